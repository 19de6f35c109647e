package dev.vm2ami.job;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PermissionDeniedTest {
    @Test
    void recognisesEachServicesDenial() {
        assertThat(PermissionDenied.isDenial("UnauthorizedOperation", 403)).isTrue();   // EC2
        assertThat(PermissionDenied.isDenial("AccessDenied", 403)).isTrue();            // S3, STS, IAM
        assertThat(PermissionDenied.isDenial("AccessDeniedException", 400)).isTrue();   // Step Functions, Lambda
        assertThat(PermissionDenied.isDenial("AuthorizationError", 403)).isTrue();      // SNS
        assertThat(PermissionDenied.isDenial(null, 403)).isTrue();                      // S3 HEAD: no body
        assertThat(PermissionDenied.isDenial("InvalidParameter", 400)).isFalse();
        assertThat(PermissionDenied.isDenial("RequestLimitExceeded", 503)).isFalse();
    }

    @Test
    void namesTheActionAwsNames() {
        PermissionDenied denied = PermissionDenied.of("ec2:ImportImage", null, "You are not authorized to perform this operation. "
                + "User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: iam:PassRole on resource: arn:aws:iam::1:role/x", null);
        assertThat(denied.action()).isEqualTo("iam:PassRole");
        assertThat(denied.getMessage()).startsWith("AWS denied iam:PassRole: ");
        assertThat(PermissionDenied.of("s3:GetObject", "s3://b/k", "Access Denied", null).getMessage())
                .isEqualTo("AWS denied s3:GetObject on s3://b/k: Access Denied");
    }
}
