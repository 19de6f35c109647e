package dev.vm2ami.local.pipeline;

import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.sampleimages.DiskBuilder;
import dev.vm2ami.sampleimages.FileSystemSample;
import dev.vm2ami.sampleimages.SampleImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImportImageTask;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a newcomer's image says of itself reaches the AMI and the notification: the manifest's
 * description, its team when another field is invalid, tags (also as the AWS CLI's shorthand sends
 * them), the boot mode the import asked for; and the local cloud fails what EC2 fails.
 */
@ExtendWith(LocalCloudExtension.class)
class OptionsScenariosTest {
    static final Duration LIMIT = Duration.ofSeconds(300); // six images at once, with the Distribute step, on 2 shared cores
    static final byte[] GOOD_RAW = SampleImages.rawWithLinuxPartition(1 << 20);
    static final String DESCRIBED = "options/described.raw";
    static final String BROKEN_MANIFEST = "options/broken-manifest.raw";
    static final String SPLIT_TAGS = "options/split-tags.raw";
    static final String SEMICOLON_TAGS = "options/semicolon-tags.raw";
    static final String UEFI = "options/uefi.raw";
    static final String NO_FILE_SYSTEM = "options/no-file-system.raw";

    static PipelineHarness harness;

    @BeforeAll
    static void dropTheImages(LocalCloud cloud) {
        harness = new PipelineHarness(cloud);
        var s3 = cloud.clients().s3();
        String bucket = harness.pipeline().bucket();
        s3.putObject(p -> p.bucket(bucket).key(DESCRIBED + ".vm2ami.json"),
                RequestBody.fromString("{\"team\": \"payments\", \"description\": \"payments base image, Q4\"}"));
        s3.putObject(p -> p.bucket(bucket).key(BROKEN_MANIFEST + ".vm2ami.json"),
                RequestBody.fromString("{\"team\": \"payments\", \"bootMode\": \"bios\"}"));
        harness.drop(DESCRIBED, GOOD_RAW, null);
        harness.drop(BROKEN_MANIFEST, GOOD_RAW, null);
        // aws s3 cp --metadata vm2ami-tags=App=shop,Env=prod: the shorthand splits at the comma
        s3.putObject(p -> p.bucket(bucket).key(SPLIT_TAGS).metadata(Map.of("vm2ami-tags", "App=shop", "env", "prod")),
                RequestBody.fromBytes(GOOD_RAW));
        s3.putObject(p -> p.bucket(bucket).key(SEMICOLON_TAGS).metadata(Map.of("vm2ami-tags", "App=shop;Env=prod")),
                RequestBody.fromBytes(GOOD_RAW));
        harness.drop(UEFI, DiskBuilder.gpt(8 << 20).partition(DiskBuilder.ESP, 2 << 20, FileSystemSample.ESP_WITH_BOOTX64)
                .partition(DiskBuilder.LINUX, 4 << 20, SampleImages.linuxRoot(4 << 20)).build().toByteArray(), null);
        harness.drop(NO_FILE_SYSTEM, DiskBuilder.mbr(4 << 20).partition("0x83", 2 << 20, FileSystemSample.NONE).build().toByteArray(), null);
    }

    @AfterAll
    static void stopCollecting() {
        harness.close();
    }

    static Image image(Notifications.Received n) {
        return harness.cloud().clients().ec2().describeImages(r -> r.imageIds(n.body().path("imageId").asText())).images().get(0);
    }

    static ImportImageTask task(Notifications.Received n) {
        return harness.cloud().clients().ec2().describeImportImageTasks(r -> r.importTaskIds(n.body().path("importTaskId").asText()))
                .importImageTasks().get(0);
    }

    static Map<String, String> tags(Image image) {
        return image.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }

    @Test
    void theManifestsDescriptionIsTheAmisAndALegacyBiosImportStaysLegacyBios() {
        Notifications.Received n = harness.awaitNotification(DESCRIBED, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
        Image ami = image(n);
        assertThat(ami.description()).isEqualTo("payments base image, Q4");
        assertThat(ami.bootModeAsString()).isEqualTo("legacy-bios");
        assertThat(task(n).description()).isEqualTo("payments base image, Q4");
    }

    @Test
    void aRejectedManifestStillReachesItsTeam() {
        Notifications.Received n = harness.awaitNotification(BROKEN_MANIFEST, LIMIT);

        assertThat(n.status()).isEqualTo("REJECTED");
        assertThat(n.attributes()).containsEntry("team", "payments");
        assertThat(n.body().path("findings").toString()).contains("INVALID_OPTIONS").contains("bios");
        assertThat(harness.importTasksFor(BROKEN_MANIFEST)).isEmpty();
    }

    @Test
    void aTagTheAwsCliShorthandSplitOffRejectsTheImageInsteadOfVanishing() {
        Notifications.Received n = harness.awaitNotification(SPLIT_TAGS, LIMIT);

        assertThat(n.status()).isEqualTo("REJECTED");
        assertThat(n.body().path("findings").toString()).contains("INVALID_OPTIONS").contains("x-amz-meta-env: prod");
        assertThat(harness.importTasksFor(SPLIT_TAGS)).isEmpty();
    }

    @Test
    void tagsSeparatedBySemicolonsAllReachTheAmi() {
        Notifications.Received n = harness.awaitNotification(SEMICOLON_TAGS, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
        assertThat(tags(image(n))).containsEntry("App", "shop").containsEntry("Env", "prod");
    }

    @Test
    void aUefiDiskBecomesAUefiAmi() {
        Notifications.Received n = harness.awaitNotification(UEFI, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
        assertThat(task(n).bootModeAsString()).isEqualTo("uefi");
        assertThat(image(n).bootModeAsString()).isEqualTo("uefi");
    }

    @Test
    void aPartitionWithoutAFileSystemIsWarnedOfAndFailsAsOnEc2() {
        Notifications.Received n = harness.awaitNotification(NO_FILE_SYSTEM, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("FAILED");
        assertThat(n.body().path("warnings").toString()).contains("NO_SUPPORTED_FILE_SYSTEM").contains("Unknown OS / Missing OS files");
        assertThat(n.body().path("error").path("category").asText()).isEqualTo("CLIENT_ERROR");
        assertThat(n.body().path("error").path("awsMessage").asText()).isEqualTo("ClientError: Unknown OS / Missing OS files.");
    }
}
