package dev.vm2ami.local.pipeline;

import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.sampleimages.SampleImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.IamClient;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The VM Import service role decides what EC2 may read: without S3 access the task fails as EC2 fails
 * it; without the role, ImportImage is refused. Both end in FAILED/PERMISSIONS. One deployment, changed
 * step by step: the role loses its S3 statements first, then the role itself.
 */
@ExtendWith(LocalCloudExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PermissionsScenarioTest {
    /** The role's inline policy as the stack names it (VmImportRole), minus every S3 statement. */
    private static final String WITHOUT_S3 = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": ["ec2:ModifySnapshotAttribute", "ec2:CopySnapshot", "ec2:RegisterImage", "ec2:Describe*"],
               "Resource": "*"}]}""";
    private static final Duration LIMIT = Duration.ofSeconds(120);

    private PipelineHarness harness;
    private IamClient iam;

    @BeforeAll
    void deploy(LocalCloud cloud) {
        harness = new PipelineHarness(cloud);
        iam = cloud.clients().iam();
    }

    @AfterAll
    void close() {
        harness.close();
    }

    @Test
    @Order(1)
    void aVmImportRoleWithoutS3AccessFailsTheImportAsEc2DoesWithPermissions() {
        String role = harness.pipeline().vmimportRoleName();
        assertThat(iam.listRolePolicies(r -> r.roleName(role)).policyNames()).containsExactly("vmimport");
        iam.putRolePolicy(p -> p.roleName(role).policyName("vmimport").policyDocument(WITHOUT_S3));

        harness.drop("wave-2/app.raw", SampleImages.rawWithLinuxPartition(1 << 20), null);
        Notifications.Received n = harness.awaitNotification("wave-2/app.raw", LIMIT);

        assertThat(n.status()).isEqualTo("FAILED");
        assertThat(n.attributes()).containsEntry("category", "PERMISSIONS");
        assertThat(n.body().path("error").path("awsMessage").asText())
                .isEqualTo("ClientError: The service role " + role + " provided does not exist or does not have sufficient "
                        + "permissions for the service to continue");
        assertThat(harness.importTasksFor("wave-2/app.raw")).as("EC2 accepted the task and failed it").hasSize(1);
        assertThat(harness.notificationsFor("wave-2/app.raw")).hasSize(1);
    }

    @Test
    @Order(2)
    void aMissingVmImportServiceRoleFailsTheImageWithPermissionsAndNamesTheRole() {
        String role = harness.pipeline().vmimportRoleName();
        iam.listRolePolicies(r -> r.roleName(role)).policyNames()
                .forEach(p -> iam.deleteRolePolicy(d -> d.roleName(role).policyName(p)));
        iam.deleteRole(r -> r.roleName(role));

        harness.drop("wave-3/app.raw", SampleImages.rawWithLinuxPartition(1 << 20), null);
        Notifications.Received n = harness.awaitNotification("wave-3/app.raw", LIMIT);

        assertThat(n.status()).isEqualTo("FAILED");
        assertThat(n.attributes()).containsEntry("category", "PERMISSIONS");
        assertThat(n.body().path("error").path("awsMessage").asText()).contains(role);
        assertThat(n.body().path("error").path("hint").asText()).contains("vmie.amazonaws.com");
        assertThat(harness.importTasksFor("wave-3/app.raw")).isEmpty();
    }
}
