package dev.vm2ami.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.demo.DemoImages;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.wiring.FunctionEnvironment;
import dev.vm2ami.wiring.Intake;
import dev.vm2ami.wiring.PipelineFunction;
import dev.vm2ami.wiring.ResourceNames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline on the local cloud — real ASL, real handlers under the Lambda runtime client,
 * the ImportImage simulator — one scenario per image. All images are dropped at once (as users do
 * in a migration wave); each test then waits for its image's notification.
 */
@ExtendWith(LocalCloudExtension.class)
class PipelineScenariosTest {
    static final Duration LIMIT = Duration.ofSeconds(180);
    static final byte[] GOOD_RAW = SampleImages.rawWithLinuxPartition(1 << 20);
    static final String GOOD = "wave-1/linux-disk.raw";
    static final String UNICODE = "incoming/my disk été ✓.vmdk";
    static final String UNKNOWN_OS = "wave-1/custom-kernel.raw";
    static final String EMPTY = "wave-1/empty.raw";
    static final String TEXT = "wave-1/notes.vhd";
    static final String SERVER_ERROR_ONCE = "wave-1/flaky.raw";
    static final String SERVER_ERROR_ALWAYS = "wave-1/broken-conversion.raw";
    static final String STUCK = "wave-1/never-boots.raw";
    static final String THROTTLED = "wave-1/busy-account.raw";
    static final String DUPLICATED = "wave-1/delivered-three-times.raw";
    static final String WITH_MANIFEST = "teams/payments/base.raw";
    static final String NOT_AN_IMAGE = "wave-1/readme.txt";
    static final String HUGE_MANIFEST = "teams/payments/huge-manifest.raw";
    static final String AWS_TAG = "teams/payments/aws-tag.raw";
    /** 1015 bytes: the image's key fits S3's 1024-byte limit, its manifest's key (+12) would not. */
    static final String LONG_KEY = "long/" + "k".repeat(1006) + ".raw";
    static final String THIRTY_TWO_BIT = "wave-1/legacy-appliance.raw";
    static final String ARM64 = "wave-3/graviton-debian.raw";
    static final String ALPINE = "wave-3/alpine.raw";
    static final String NO_OS_SNAPSHOT = "wave-3/data-disk.raw";
    static final String STUCK_SNAPSHOT = "wave-3/stuck-graviton.raw";
    static final String FALLBACK = "wave-3/unusual-kernel.raw";

    static final ObjectMapper JSON = new ObjectMapper();
    static PipelineHarness harness;
    static PutObjectResponse duplicated;

    @BeforeAll
    static void dropEveryScenarioAtOnce(LocalCloud cloud) {
        harness = new PipelineHarness(cloud);
        var s3 = cloud.clients().s3();
        String bucket = harness.pipeline().bucket();
        s3.putObject(p -> p.bucket(bucket).key(WITH_MANIFEST + ".vm2ami.json"),
                RequestBody.fromString("{\"team\": \"payments\", \"amiName\": \"payments-base-image\", \"tags\": {\"CostCenter\": \"4711\"}}"));
        // Not a manifest anyone writes by hand: 100 KiB of JSON, more than vm2ami reads.
        s3.putObject(p -> p.bucket(bucket).key(HUGE_MANIFEST + ".vm2ami.json"),
                RequestBody.fromString("{\"description\": \"" + "x".repeat(100 * 1024) + "\"}"));
        s3.putObject(p -> p.bucket(bucket).key(AWS_TAG + ".vm2ami.json"),
                RequestBody.fromString("{\"tags\": {\"aws:cloudformation:stack-name\": \"mine\"}}"));
        for (String snapshot : List.of(ALPINE, NO_OS_SNAPSHOT)) {
            s3.putObject(p -> p.bucket(bucket).key(snapshot + ".vm2ami.json"), RequestBody.fromString("{\"importMode\": \"snapshot\"}"));
        }
        s3.putObject(p -> p.bucket(bucket).key(UNKNOWN_OS + ".vm2ami.json"), RequestBody.fromString("{\"importMode\": \"image\"}"));
        harness.drop(ARM64, SampleImages.arm64DebianUefi(), null);
        harness.drop(ALPINE, SampleImages.alpine(), null);
        harness.drop(NO_OS_SNAPSHOT, dataDisk(), null);
        harness.drop(STUCK_SNAPSHOT, SampleImages.arm64DebianUefi(), "stuck-converting");
        harness.drop(FALLBACK, GOOD_RAW, "unknown-os");
        harness.drop(HUGE_MANIFEST, GOOD_RAW, null);
        harness.drop(AWS_TAG, GOOD_RAW, null);
        harness.drop(LONG_KEY, GOOD_RAW, null);
        harness.drop(GOOD, GOOD_RAW, null);
        harness.drop(UNICODE, SampleImages.streamOptimizedVmdkHeader(2048), null);
        harness.drop(UNKNOWN_OS, GOOD_RAW, "unknown-os");
        harness.drop(EMPTY, new byte[0], null);
        harness.drop(TEXT, "meeting notes, not a disk".getBytes(), null);
        harness.drop(SERVER_ERROR_ONCE, GOOD_RAW, "server-error-once");
        harness.drop(SERVER_ERROR_ALWAYS, GOOD_RAW, "server-error-always");
        harness.drop(STUCK, GOOD_RAW, "stuck-booting");
        harness.drop(THROTTLED, GOOD_RAW, "throttle-describe");
        harness.drop(WITH_MANIFEST, GOOD_RAW, null);
        harness.drop(NOT_AN_IMAGE, "not an image".getBytes(), null);
        harness.drop(THIRTY_TWO_BIT, DemoImages.legacyAppliance(), null);
        duplicated = s3.putObject(p -> p.bucket(bucket).key(DUPLICATED), RequestBody.fromBytes(GOOD_RAW));
        // S3 delivers at least once: deliver the same event twice more, as S3 would.
        String event = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"" + cloud.region()
                + "\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"" + bucket + "\"},\"object\":{\"key\":\""
                + DUPLICATED.replace("/", "%2F") + "\",\"size\":" + GOOD_RAW.length + ",\"eTag\":" + duplicated.eTag()
                + ",\"versionId\":\"" + duplicated.versionId() + "\"}}}]}";
        for (int i = 0; i < 2; i++) {
            cloud.clients().sqs().sendMessage(m -> m.queueUrl(harness.pipeline().queueUrl()).messageBody(event));
        }
    }

    /** A disk with a file system and no operating system: data, not a machine. */
    static byte[] dataDisk() {
        String uuid = "0a1b2c3d-0000-4000-8000-0000000000d1";
        return dev.vm2ami.sampleimages.DiskBuilder.mbr(4 << 20).partition("0x83", 3 << 20, dev.vm2ami.sampleimages.Ext4Builder.build(
                new dev.vm2ami.sampleimages.LinuxRoot().file("/srv/export.csv", "a,b\n"), 3 << 20, java.util.UUID.fromString(uuid),
                "data")).build().toByteArray();
    }

    @AfterAll
    static void stopCollecting() {
        harness.close();
    }

    static Map<String, String> tags(Image image) {
        return image.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }

    @Test
    void aGoodImageBecomesOneNamedTaggedAmiAndOneSucceededNotification() {
        Notifications.Received n = harness.awaitNotification(GOOD, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
        assertThat(n.subject()).startsWith("vm2ami: linux-disk.raw is ami-");
        assertThat(n.attributes()).containsEntry("status", "SUCCEEDED").containsEntry("format", "RAW");
        JsonNode b = n.body();
        assertThat(b.path("stages")).extracting(s -> s.path("stage").asText()).contains("completed");
        assertThat(b.path("durationSeconds").asLong()).isPositive();
        Image image = harness.cloud().clients().ec2().describeImages(r -> r.imageIds(b.path("imageId").asText())).images().get(0);
        assertThat(image.name()).isEqualTo(b.path("imageName").asText()).startsWith("linux-disk-");
        assertThat(tags(image)).containsEntry("Name", image.name()).containsEntry("vm2ami:source-key", GOOD)
                .containsEntry("vm2ami:source-bucket", harness.pipeline().bucket())
                .containsEntry("vm2ami:import-task-id", b.path("importTaskId").asText())
                .containsKeys("vm2ami:source-version-id", "vm2ami:pipeline-version", "vm2ami:execution");
        String taskId = b.path("importTaskId").asText();
        List<Image> intermediate = harness.cloud().clients().ec2().describeImages(r -> r.filters(
                Filter.builder().name("name").values(taskId).build())).images();
        assertThat(intermediate).as("the import-ami intermediate is retired").isEmpty();
        assertThat(harness.cloud().clients().ec2().describeSnapshots(r -> r.snapshotIds(b.path("snapshotIds").get(0).asText()))
                .snapshots().get(0).tags()).extracting(Tag::key).contains("vm2ami:source-key");
        assertThat(harness.notificationsFor(GOOD)).hasSize(1);
        assertThat(b.path("importPath").asText()).as("Ubuntu, auto: ImportImage takes it").isEqualTo("image");
        assertThat(taskId).startsWith("import-ami-");
    }

    @Test
    void aCloudReadyArm64DebianWithoutManifestBecomesAnArm64UefiAmiThroughTheSnapshotPath() {
        Notifications.Received n = harness.awaitNotification(ARM64, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
        JsonNode b = n.body();
        assertThat(b.path("importPath").asText()).isEqualTo("snapshot");
        assertThat(b.path("importTaskId").asText()).startsWith("import-snap-");
        assertThat(b.path("stages")).extracting(s -> s.path("stage").asText()).contains("completed");
        Image image = harness.cloud().clients().ec2().describeImages(r -> r.imageIds(b.path("imageId").asText())).images().get(0);
        assertThat(image.architectureAsString()).isEqualTo("arm64");
        assertThat(image.bootModeAsString()).isEqualTo("uefi");
        assertThat(image.enaSupport()).isTrue();
        assertThat(image.name()).isEqualTo(b.path("imageName").asText()).startsWith("graviton-debian-");
        assertThat(image.rootDeviceName()).isEqualTo("/dev/xvda");
        assertThat(tags(image)).containsEntry("Name", image.name()).containsEntry("vm2ami:import-task-id", b.path("importTaskId").asText());
        String snapshot = image.blockDeviceMappings().get(0).ebs().snapshotId();
        assertThat(b.path("snapshotIds").get(0).asText()).isEqualTo(snapshot);
        assertThat(harness.cloud().clients().ec2().describeSnapshots(r -> r.snapshotIds(snapshot)).snapshots().get(0).tags())
                .extracting(Tag::key).contains("vm2ami:source-key");
        assertThat(harness.importTasksFor(ARM64)).singleElement().satisfies(t -> {
            assertThat(t.path("kind").asText()).isEqualTo("snapshot");
            assertThat(t.path("history").toString()).contains("downloading/converting");
        });
    }

    @Test
    void alpineWithImportModeSnapshotSucceedsThroughTheSnapshotPath() {
        Notifications.Received n = harness.awaitNotification(ALPINE, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
        assertThat(n.body().path("importPath").asText()).isEqualTo("snapshot");
        Image image = harness.cloud().clients().ec2().describeImages(r -> r.imageIds(n.body().path("imageId").asText())).images().get(0);
        assertThat(image.architectureAsString()).isEqualTo("x86_64");
        assertThat(image.bootModeAsString()).isEqualTo("legacy-bios");
        assertThat(n.body().path("attempts")).singleElement().satisfies(a -> assertThat(a.path("importPath").asText()).isEqualTo("snapshot"));
        assertThat(harness.importTasksFor(ALPINE)).singleElement().satisfies(t -> assertThat(t.path("kind").asText()).isEqualTo("snapshot"));
    }

    @Test
    void aDiskWithoutAnOperatingSystemAndImportModeSnapshotIsRejectedWithoutAnImport() {
        Notifications.Received n = harness.awaitNotification(NO_OS_SNAPSHOT, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("REJECTED");
        assertThat(n.body().path("findings")).extracting(f -> f.path("code").asText()).contains("NO_OPERATING_SYSTEM", "NOT_CLOUD_READY");
        assertThat(harness.importTasksFor(NO_OS_SNAPSHOT)).isEmpty();
    }

    @Test
    void aSnapshotTaskThatSticksIsCancelledAndRetriedLikeAnImageTask() {
        Notifications.Received n = harness.awaitNotification(STUCK_SNAPSHOT, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("FAILED");
        assertThat(n.attributes()).containsEntry("category", "STUCK");
        assertThat(n.body().path("attempts")).hasSize(3).allSatisfy(a -> {
            assertThat(a.path("outcome").asText()).isEqualTo("STUCK");
            assertThat(a.path("importPath").asText()).isEqualTo("snapshot");
        });
        assertThat(n.body().path("error").path("message").asText()).contains("downloading/converting");
        assertThat(harness.importTasksFor(STUCK_SNAPSHOT)).hasSize(3).allSatisfy(t -> {
            assertThat(t.path("kind").asText()).isEqualTo("snapshot");
            assertThat(t.path("history").toString()).contains("User initiated task cancellation");
        });
    }

    @Test
    void anUnknownOsFromImportImageIsRetriedOnceOnTheSnapshotPathAndTheNotificationListsBothAttempts() {
        Notifications.Received n = harness.awaitNotification(FALLBACK, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
        assertThat(n.body().path("importPath").asText()).isEqualTo("snapshot");
        assertThat(n.body().path("attempts")).extracting(a -> a.path("importPath").asText() + " " + a.path("outcome").asText())
                .containsExactly("image CLIENT_ERROR", "snapshot COMPLETED");
        assertThat(n.body().path("attempts").get(0).path("message").asText()).isEqualTo("ClientError: Unknown OS / Missing OS files.");
        assertThat(harness.importTasksFor(FALLBACK)).extracting(t -> t.path("kind").asText()).containsExactly("image", "snapshot");
    }

    @Test
    void theImportAsksForThePlatformArchitectureAndBootModeFoundOnTheDiskAndTheNotificationNamesTheOs() {
        Notifications.Received n = harness.awaitNotification(GOOD, LIMIT);

        assertThat(n.body().path("os").path("distribution").asText()).isEqualTo("ubuntu");
        assertThat(n.body().path("os").path("version").asText()).isEqualTo("22.04");
        assertThat(n.body().path("bootMode").asText()).isEqualTo("legacy-bios");
        var task = harness.cloud().clients().ec2().describeImportImageTasks(r -> r.importTaskIds(n.body().path("importTaskId").asText()))
                .importImageTasks().get(0);
        assertThat(task.platform()).isEqualTo("Linux");
        assertThat(task.architecture()).isEqualTo("x86_64");
        assertThat(task.bootModeAsString()).isEqualTo("legacy-bios");
    }

    @Test
    void aThirtyTwoBitLinuxIsRejectedForItsOsWithoutCallingImportImage() {
        Notifications.Received n = harness.awaitNotification(THIRTY_TWO_BIT, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("REJECTED");
        assertThat(n.subject()).isEqualTo("vm2ami: legacy-appliance.raw rejected: LINUX_32_BIT");
        assertThat(n.body().path("findings").get(0).path("message").asText()).contains("Unsupported kernel version");
        assertThat(n.body().path("os").path("architecture").asText()).isEqualTo("i386");
        assertThat(harness.importTasksFor(THIRTY_TWO_BIT)).isEmpty();
    }

    @Test
    void aKeyWithSpacesAndUnicodeWorksEndToEnd() {
        Notifications.Received n = harness.awaitNotification(UNICODE, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
        assertThat(n.body().path("source").path("key").asText()).isEqualTo(UNICODE);
        assertThat(n.body().path("format").asText()).isEqualTo("VMDK");
        assertThat(harness.importTasksFor(UNICODE)).hasSize(1);
    }

    @Test
    void aDeterministicFailureIsAClientErrorWithTheAwsMessageAndAHintAndIsNotRetried() {
        Notifications.Received n = harness.awaitNotification(UNKNOWN_OS, LIMIT);

        assertThat(n.status()).isEqualTo("FAILED");
        assertThat(n.attributes()).containsEntry("category", "CLIENT_ERROR");
        assertThat(n.body().path("error").path("awsMessage").asText()).isEqualTo("ClientError: Unknown OS / Missing OS files.");
        assertThat(n.body().path("error").path("hint").asText()).contains("supported 64-bit OS");
        assertThat(n.body().path("attempts")).hasSize(1);
        assertThat(harness.importTasksFor(UNKNOWN_OS)).hasSize(1);
    }

    @Test
    void anEmptyObjectIsRejectedWithoutCallingImportImage() {
        Notifications.Received n = harness.awaitNotification(EMPTY, LIMIT);

        assertThat(n.status()).isEqualTo("REJECTED");
        assertThat(n.body().path("findings").get(0).path("code").asText()).isEqualTo("EMPTY_IMAGE");
        assertThat(n.body().path("findings").get(0).path("fix").asText()).isNotBlank();
        assertThat(harness.importTasksFor(EMPTY)).isEmpty();
    }

    @Test
    void anObjectThatIsNoDiskImageIsRejectedWithoutCallingImportImage() {
        Notifications.Received n = harness.awaitNotification(TEXT, LIMIT);

        assertThat(n.status()).isEqualTo("REJECTED");
        assertThat(n.subject()).startsWith("vm2ami: notes.vhd rejected: ");
        assertThat(harness.importTasksFor(TEXT)).isEmpty();
    }

    @Test
    void aTransientServerErrorIsRetriedAndSucceedsOnTheSecondAttempt() {
        Notifications.Received n = harness.awaitNotification(SERVER_ERROR_ONCE, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
        assertThat(n.body().path("retried").asBoolean()).isTrue();
        assertThat(n.body().path("attempts")).extracting(a -> a.path("outcome").asText()).containsExactly("SERVER_ERROR", "COMPLETED");
        assertThat(harness.importTasksFor(SERVER_ERROR_ONCE)).hasSize(2);
    }

    @Test
    void aServerErrorThatPersistsFailsAfterTheAttemptLimit() {
        Notifications.Received n = harness.awaitNotification(SERVER_ERROR_ALWAYS, LIMIT);

        assertThat(n.status()).isEqualTo("FAILED");
        assertThat(n.attributes()).containsEntry("category", "SERVER_ERROR");
        assertThat(n.body().path("attempts")).hasSize(3);
        assertThat(n.body().path("error").path("message").asText()).contains("3 attempts");
        assertThat(harness.importTasksFor(SERVER_ERROR_ALWAYS)).hasSize(3);
    }

    @Test
    void aTaskStuckInBootingIsCancelledRetriedAndFailsAsStuckWithItsAttemptsListed() {
        Notifications.Received n = harness.awaitNotification(STUCK, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("FAILED");
        assertThat(n.attributes()).containsEntry("category", "STUCK");
        assertThat(n.body().path("attempts")).hasSize(3).allSatisfy(a -> assertThat(a.path("outcome").asText()).isEqualTo("STUCK"));
        assertThat(n.body().path("error").path("message").asText()).contains("booting").contains("3 attempts");
        assertThat(harness.importTasksFor(STUCK)).hasSize(3).allSatisfy(t -> {
            assertThat(t.path("status").asText()).isEqualTo("deleted");
            assertThat(t.path("history").toString()).contains("booting").contains("User initiated task cancellation");
        });
    }

    @Test
    void throttledDescribeCallsAreAbsorbed() {
        Notifications.Received n = harness.awaitNotification(THROTTLED, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
        // The first look's three SDK attempts were all refused; the check waited and looked again.
        assertThat(harness.importTasksFor(THROTTLED)).singleElement()
                .satisfies(t -> assertThat(t.path("describeCalls").asInt()).isGreaterThanOrEqualTo(4));
    }

    @Test
    void theSameEventDeliveredThreeTimesMakesOneExecutionOneImportAndOneNotification() throws Exception {
        Notifications.Received n = harness.awaitNotification(DUPLICATED, LIMIT);
        Thread.sleep(3_000); // room for a second notification, if there were one

        assertThat(n.status()).isEqualTo("SUCCEEDED");
        assertThat(harness.notificationsFor(DUPLICATED)).hasSize(1);
        assertThat(harness.importTasksFor(DUPLICATED)).hasSize(1);
        List<ExecutionListItem> executions = harness.cloud().clients().sfn().listExecutions(r -> r
                .stateMachineArn(harness.pipeline().stateMachineArn())).executions();
        assertThat(executions.stream().filter(e -> e.name().startsWith("delivered-three-times-raw-"))).hasSize(1);
    }

    @Test
    void aSidecarManifestNamesTheTeamTheAmiAndExtraTags() {
        Notifications.Received n = harness.awaitNotification(WITH_MANIFEST, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
        assertThat(n.attributes()).containsEntry("team", "payments");
        assertThat(n.body().path("imageName").asText()).isEqualTo("payments-base-image");
        Image image = harness.cloud().clients().ec2().describeImages(r -> r.imageIds(n.body().path("imageId").asText())).images().get(0);
        assertThat(tags(image)).containsEntry("CostCenter", "4711").containsEntry("vm2ami:team", "payments");
    }

    @Test
    void theLocalCloudRunsTheFunctionsEnvironmentsAndDefinitionTheStackDeploys() {
        var lambda = harness.cloud().clients().lambda();
        for (PipelineFunction f : PipelineFunction.values()) {
            var config = lambda.getFunctionConfiguration(r -> r.functionName(harness.pipeline().functionNames().get(f)));
            assertThat(config.handler()).isEqualTo(f.handler());
            assertThat(config.timeout()).isEqualTo(f.timeoutSeconds());
            Map<String, String> settings = new java.util.HashMap<>(LocalPipeline.settingsFor(harness.cloud().options().timeScale())
                    .withVmimportRoleName(harness.pipeline().vmimportRoleName()).toEnvironment());
            settings.putAll(dev.vm2ami.config.ConversionSettings.defaults().toEnvironment());
            assertThat(config.environment().variables()).isEqualTo(FunctionEnvironment.of(f, settings, harness.pipeline().stateMachineArn()));
        }
        String definition = harness.cloud().clients().sfn().describeStateMachine(r -> r.stateMachineArn(
                harness.pipeline().stateMachineArn())).definition();
        assertThat(definition).doesNotContain("${");
        for (PipelineFunction f : PipelineFunction.calledByStateMachine().toList()) {
            assertThat(definition).contains(":function:" + harness.pipeline().functionNames().get(f) + ":" + PipelineFunction.ALIAS + "\"");
        }
        assertThat(definition).contains(harness.pipeline().topicArn());
    }

    @Test
    void theLocalCloudDeploysTheIntakeAndTheNamesTheStackDeploys() throws Exception {
        var aws = harness.cloud().clients();
        Map<QueueAttributeName, String> queue = aws.sqs().getQueueAttributes(r -> r.queueUrl(harness.pipeline().queueUrl())
                .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT, QueueAttributeName.REDRIVE_POLICY)).attributes();
        assertThat(queue.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo(Integer.toString(Intake.visibilityTimeoutSeconds()));
        assertThat(JSON.readTree(queue.get(QueueAttributeName.REDRIVE_POLICY)).path("maxReceiveCount").asInt())
                .isEqualTo(Intake.MAX_RECEIVE_COUNT);
        assertThat(aws.s3().getBucketNotificationConfiguration(r -> r.bucket(harness.pipeline().bucket())).queueConfigurations())
                .extracting(c -> c.filter().key().filterRules().stream().filter(f -> f.nameAsString().equalsIgnoreCase("suffix"))
                        .findFirst().orElseThrow().value())
                .containsExactlyElementsOf(Intake.notificationSuffixes());
        // The mapping invokes the start function's alias (its published version), as on AWS.
        assertThat(aws.lambda().listEventSourceMappings(r -> r.functionName(harness.pipeline().functionNames().get(PipelineFunction.START)
                        + ":" + PipelineFunction.ALIAS))
                .eventSourceMappings()).singleElement().satisfies(m -> assertThat(m.batchSize()).isEqualTo(Intake.BATCH_SIZE));
        assertThat(harness.pipeline().stateMachineArn()).endsWith(":stateMachine:" + ResourceNames.stateMachine(LocalPipeline.STACK_NAME));
        assertThat(harness.pipeline().topicArn()).endsWith(":" + ResourceNames.notificationTopic(LocalPipeline.STACK_NAME));
    }

    @Test
    void aManifestLargerThan64KiBRejectsTheImageWithoutReadingItWhole() {
        Notifications.Received n = harness.awaitNotification(HUGE_MANIFEST, LIMIT);

        assertThat(n.status()).isEqualTo("REJECTED");
        assertThat(n.body().path("findings").toString()).contains("INVALID_OPTIONS").contains("at most 64.0 KiB");
        assertThat(harness.importTasksFor(HUGE_MANIFEST)).isEmpty();
    }

    @Test
    void aManifestTagThatEc2WouldRefuseRejectsTheImageBeforeAnyImport() {
        Notifications.Received n = harness.awaitNotification(AWS_TAG, LIMIT);

        assertThat(n.status()).isEqualTo("REJECTED");
        assertThat(n.body().path("findings").toString()).contains("INVALID_OPTIONS").contains("aws:cloudformation:stack-name");
        assertThat(harness.importTasksFor(AWS_TAG)).isEmpty();
    }

    @Test
    void anImageWhoseKeyLeavesNoRoomForAManifestKeyImportsWithoutOne() {
        Notifications.Received n = harness.awaitNotification(LONG_KEY, LIMIT);

        assertThat(n.status()).isEqualTo("SUCCEEDED");
        assertThat(harness.importTasksFor(LONG_KEY)).hasSize(1);
    }

    @Test
    void objectsThatAreNotImagesDoNotEnterThePipeline() throws Exception {
        harness.awaitNotification(GOOD, LIMIT); // by now, any event for the text file would have been handled

        assertThat(harness.notificationsFor(NOT_AN_IMAGE)).isEmpty();
        assertThat(harness.notificationsFor(WITH_MANIFEST + ".vm2ami.json")).isEmpty();
    }
}
