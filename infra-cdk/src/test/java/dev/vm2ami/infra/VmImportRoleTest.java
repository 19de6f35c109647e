package dev.vm2ami.infra;

import dev.vm2ami.wiring.EnvKeys;
import dev.vm2ami.wiring.PipelineFunction;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The VM Import/Export service role, against the user guide's "Required service role". */
class VmImportRoleTest {
    private final TemplateJson defaults = new TemplateJson(Synthesized.defaults().json());
    private final TemplateJson withOptions = new TemplateJson(Synthesized.withOptions().json());

    @Test
    void trustsOnlyVmImportExportActingForThisAccountInThisRegion() {
        assertThat(role(defaults).getValue().get("AssumeRolePolicyDocument")).isEqualTo(Map.of(
                "Version", "2012-10-17",
                "Statement", List.of(Map.of(
                        "Effect", "Allow",
                        "Principal", Map.of("Service", "vmie.amazonaws.com"),
                        "Action", "sts:AssumeRole",
                        "Condition", Map.of(
                                "StringEquals", Map.of("aws:SourceAccount", Map.of("Ref", "AWS::AccountId")),
                                "ArnLike", Map.of("aws:SourceArn", Map.of("Fn::Join", List.of("", List.of(
                                        "arn:", Map.of("Ref", "AWS::Partition"), ":vmie:", Map.of("Ref", "AWS::Region"),
                                        ":", Map.of("Ref", "AWS::AccountId"), ":*")))))))));
    }

    @Test
    void hasTheGuidesPermissionsNarrowedToTheImportBucketAndRegion() {
        String bucket = bucketArn(defaults);
        assertThat(IamPolicyTest.permissions(defaults.statementsOfRole(role(defaults).getKey()))).isEqualTo(Map.of(
                "s3:GetBucketLocation", Set.of(bucket),
                "s3:ListBucket", Set.of(bucket),
                "s3:GetObject", Set.of(bucket + "/*"),
                "ec2:ModifySnapshotAttribute", Set.of(IamPolicyTest.SNAPSHOTS),
                "ec2:CopySnapshot", Set.of(IamPolicyTest.SNAPSHOTS),
                "ec2:RegisterImage", Set.of(IamPolicyTest.IMAGES, IamPolicyTest.SNAPSHOTS),
                "ec2:Describe*", Set.of("*")));
    }

    @Test
    void mayUseTheConfiguredKeyAsTheGuideLists() {
        var granted = IamPolicyTest.permissions(withOptions.statementsOfRole(role(withOptions).getKey()));
        assertThat(granted).as("the images under the prefix and those converted from them")
                .containsEntry("s3:GetObject", Set.of(bucketArn(withOptions) + "/incoming/*", bucketArn(withOptions) + "/converted/*"));
        for (String action : VmImportRole.KMS_ACTIONS) assertThat(granted).containsEntry(action, Set.of(IamPolicyTest.KEY));
    }

    @Test
    void isTheRoleTheSubmitFunctionNames() {
        Map<?, ?> env = (Map<?, ?>) ((Map<?, ?>) defaults.function(PipelineFunction.SUBMIT).getValue().get("Environment")).get("Variables");
        assertThat(TemplateJson.render(env.get(EnvKeys.VMIMPORT_ROLE_NAME))).isEqualTo(role(defaults).getKey());
    }

    private static Map.Entry<String, Map<String, Object>> role(TemplateJson template) {
        return template.ofType("AWS::IAM::Role").entrySet().stream()
                .filter(e -> e.getValue().toString().contains("vmie.amazonaws.com")).findFirst().orElseThrow();
    }

    private static String bucketArn(TemplateJson template) {
        return template.ofType("AWS::S3::Bucket").keySet().stream().filter(id -> id.startsWith("ImagesBucket"))
                .findFirst().orElseThrow() + ".Arn";
    }
}
