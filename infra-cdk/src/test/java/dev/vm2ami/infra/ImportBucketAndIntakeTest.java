package dev.vm2ami.infra;

import dev.vm2ami.wiring.PipelineFunction;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ImportBucketAndIntakeTest {
    private final Synthesized defaults = Synthesized.defaults();
    private final Synthesized withOptions = Synthesized.withOptions();

    @Test
    void keepsTheImportBucketPrivateVersionedAndEncryptedWithS3ManagedKeysByDefault() {
        defaults.template().hasResourceProperties("AWS::S3::Bucket", Map.of(
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration",
                        List.of(Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                "VersioningConfiguration", Map.of("Status", "Enabled"),
                "NotificationConfiguration", Match.absent(),
                "LoggingConfiguration", Match.objectLike(Map.of("LogFilePrefix", "import-bucket/"))));
    }

    @Test
    void encryptsTheImportBucketWithTheConfiguredKey() {
        withOptions.template().hasResourceProperties("AWS::S3::Bucket", Map.of(
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Map.of(
                        "BucketKeyEnabled", true,
                        "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "aws:kms",
                                "KMSMasterKeyID", Synthesized.OPTIONS.get("kmsKeyArn"))))),
                "LoggingConfiguration", Match.absent()));
        withOptions.template().resourceCountIs("AWS::S3::Bucket", 1);
    }

    @Test
    void cleansUpIncompleteUploadsAndOldVersions() {
        defaults.template().hasResourceProperties("AWS::S3::Bucket", Map.of(
                "LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of(
                        "AbortIncompleteMultipartUpload", Map.of("DaysAfterInitiation", 7),
                        "NoncurrentVersionExpiration", Map.of("NoncurrentDays", 30),
                        "Status", "Enabled"))))));
    }

    @Test
    void writesAccessLogsToAPrivateLogBucketThatExpiresThem() {
        defaults.template().resourceCountIs("AWS::S3::Bucket", 2);
        defaults.template().hasResourceProperties("AWS::S3::Bucket", Map.of(
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration",
                        List.of(Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                "LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of("ExpirationInDays", 365)))),
                "LoggingConfiguration", Match.absent()));
    }

    @Test
    void keepsTheBucketsWhenTheStackIsDestroyed() {
        defaults.template().allResources("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain"));
    }

    @Test
    void refusesRequestsWithoutTlsOnEveryBucketAndQueue() {
        Map<String, Object> denyInsecure = Map.of("Effect", "Deny",
                "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")));
        defaults.template().allResourcesProperties("AWS::S3::BucketPolicy", Map.of("PolicyDocument",
                Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(denyInsecure))))));
        defaults.template().resourceCountIs("AWS::S3::BucketPolicy", 2);
        defaults.template().allResourcesProperties("AWS::SQS::QueuePolicy", Map.of("PolicyDocument",
                Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(denyInsecure))))));
        defaults.template().resourceCountIs("AWS::SQS::QueuePolicy", 2);
    }

    @Test
    void notifiesTheIntakeQueueOfEveryImageSuffixInBothCases() {
        List<Map<String, Object>> filters = queueConfigurations(defaults);
        assertThat(filters).extracting(c -> suffixOf(c))
                .containsExactlyInAnyOrder(".ova", ".OVA", ".vmdk", ".VMDK", ".vhd", ".VHD", ".vhdx", ".VHDX",
                        ".raw", ".RAW", ".img", ".IMG", ".qcow2", ".QCOW2", ".vdi", ".VDI", ".gz", ".GZ", ".xz", ".XZ", ".zst", ".ZST");
        assertThat(filters).allSatisfy(c -> {
            assertThat(c).containsEntry("Events", List.of("s3:ObjectCreated:*"));
            assertThat(TemplateJson.render(c.get("QueueArn"))).startsWith("IntakeQueue").endsWith(".Arn");
        });
    }

    @Test
    void notifiesOnlyForKeysUnderTheImagePrefix() {
        assertThat(queueConfigurations(withOptions)).allSatisfy(c -> assertThat(rules(c))
                .contains(Map.of("Name", "prefix", "Value", "incoming/")));
    }

    @Test
    void encryptsTheIntakeQueueAndGivesUpAfterFiveReceivesIntoTheDeadLetterQueue() {
        defaults.template().hasResourceProperties("AWS::SQS::Queue", Map.of(
                "SqsManagedSseEnabled", true,
                "RedrivePolicy", Map.of("maxReceiveCount", 5, "deadLetterTargetArn", Match.anyValue()),
                "VisibilityTimeout", 6 * 60));
        defaults.template().hasResourceProperties("AWS::SQS::Queue", Map.of(
                "SqsManagedSseEnabled", true, "MessageRetentionPeriod", 14 * 24 * 3600, "RedrivePolicy", Match.absent()));
    }

    @Test
    void keepsMessagesInvisibleForAtLeastSixTimesTheStartFunctionsTimeout() {
        int visibility = (Integer) new TemplateJson(defaults.json()).ofType("AWS::SQS::Queue").values().stream()
                .filter(q -> q.containsKey("VisibilityTimeout")).findFirst().orElseThrow().get("VisibilityTimeout");
        assertThat(visibility).isGreaterThanOrEqualTo(6 * PipelineFunction.START.timeoutSeconds());
    }

    @Test
    void letsOnlyTheImportBucketSendToTheIntakeQueue() {
        defaults.template().hasResourceProperties("AWS::SQS::QueuePolicy", Map.of("PolicyDocument", Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Allow",
                        "Principal", Map.of("Service", "s3.amazonaws.com"),
                        "Action", Match.arrayWith(List.of("sqs:SendMessage")),
                        "Condition", Map.of("ArnLike", Map.of("aws:SourceArn", Match.objectLike(Map.of("Fn::GetAtt",
                                Match.arrayWith(List.of("Arn")))))))))))));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> queueConfigurations(Synthesized s) {
        Map<String, Object> notifications = new TemplateJson(s.json()).ofType("Custom::S3BucketNotifications")
                .values().iterator().next();
        return (List<Map<String, Object>>) ((Map<String, Object>) notifications.get("NotificationConfiguration"))
                .get("QueueConfigurations");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules(Map<String, Object> configuration) {
        return (List<Map<String, Object>>) ((Map<String, Object>) ((Map<String, Object>) configuration.get("Filter"))
                .get("Key")).get("FilterRules");
    }

    static String suffixOf(Map<String, Object> configuration) {
        return rules(configuration).stream().filter(r -> "suffix".equals(r.get("Name")))
                .map(r -> (String) r.get("Value")).findFirst().orElseThrow();
    }
}
