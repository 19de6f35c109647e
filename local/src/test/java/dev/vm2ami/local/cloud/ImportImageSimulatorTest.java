package dev.vm2ami.local.cloud;

import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.sampleimages.SampleImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ImportImageResponse;
import software.amazon.awssdk.services.ec2.model.ImportImageTask;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ImportImage simulator, driven through the AWS SDK v2 EC2 client as the pipeline drives it. */
@ExtendWith(LocalCloudExtension.class)
class ImportImageSimulatorTest {
    static final String BUCKET = "simulator-test-images";
    static final byte[] GOOD_RAW = SampleImages.rawWithLinuxPartition(64 * 1024);

    static Ec2Client ec2;
    static S3Client s3;

    @BeforeAll
    static void createBucketAndServiceRole(LocalCloud cloud) {
        ec2 = cloud.clients().ec2();
        s3 = cloud.clients().s3();
        s3.createBucket(b -> b.bucket(BUCKET));
        cloud.clients().iam().createRole(r -> r.roleName("vmimport").assumeRolePolicyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"vmie.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"));
        // The user guide's role policy: the simulator reads the image and registers the AMI as this role.
        cloud.clients().iam().putRolePolicy(p -> p.roleName("vmimport").policyName("vmimport").policyDocument("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Action": ["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"],
                   "Resource": ["arn:aws:s3:::%1$s", "arn:aws:s3:::%1$s/*"]},
                  {"Effect": "Allow", "Action": ["ec2:ModifySnapshotAttribute", "ec2:CopySnapshot", "ec2:RegisterImage", "ec2:Describe*"],
                   "Resource": "*"}]}""".formatted(BUCKET)));
    }

    static String upload(byte[] content, String simulate) {
        String key = "disks/" + UUID.randomUUID() + ".img";
        s3.putObject(b -> {
            b.bucket(BUCKET).key(key);
            if (simulate != null) b.tagging("simulate=" + simulate);
        }, RequestBody.fromBytes(content));
        return key;
    }

    static ImportImageResponse importImage(String key, String format) {
        return ec2.importImage(r -> r.description("test " + key)
                .diskContainers(d -> d.format(format).userBucket(u -> u.s3Bucket(BUCKET).s3Key(key))));
    }

    static ImportImageTask describe(String taskId) {
        return ec2.describeImportImageTasks(r -> r.importTaskIds(taskId)).importImageTasks().get(0);
    }

    /** Polls until the task is completed or deleted; returns the StatusMessages seen on the way. */
    static List<String> walk(String taskId, Duration limit) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until) {
            ImportImageTask task = describe(taskId);
            String state = task.status() + ":" + (task.statusMessage() == null ? "" : task.statusMessage());
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state)) seen.add(state);
            if (task.status().equals("completed") || task.status().equals("deleted")) return seen;
            Thread.sleep(25);
        }
        throw new AssertionError("task " + taskId + " did not end within " + limit + "; seen " + seen);
    }

    static final List<String> EVERY_STAGE = List.of("active:pending", "active:validating", "active:validated",
            "active:converting", "active:updating", "active:updated", "active:preparing to boot",
            "active:booting", "active:booted", "active:preparing ami", "completed:");

    /** The task's history as the simulator recorded it (every state it was in, in order). */
    static List<String> history(LocalCloud cloud, String taskId) {
        List<String> states = new ArrayList<>();
        cloud.simulatorRecord().path("regions").forEach(r -> r.path("tasks").forEach(t -> {
            if (t.path("importTaskId").asText().equals(taskId)) {
                t.path("history").forEach(h -> states.add(h.path("status").asText() + ":" + h.path("statusMessage").asText()));
            }
        }));
        return states;
    }

    @Test
    void aGoodRawImageWalksEveryStageToCompletedWithAnAmiThatDescribeImagesKnows(LocalCloud cloud) throws Exception {
        String taskId = importImage(upload(GOOD_RAW, null), "raw").importTaskId();

        List<String> seen = walk(taskId, Duration.ofSeconds(30));

        assertThat(history(cloud, taskId)).isEqualTo(EVERY_STAGE);
        // What DescribeImportImageTasks showed on the way: the same stages in the same order (short ones may pass unseen).
        assertThat(EVERY_STAGE).containsSubsequence(seen);
        assertThat(seen).contains("active:converting", "active:booting", "completed:");
        ImportImageTask done = describe(taskId);
        assertThat(done.imageId()).startsWith("ami-");
        assertThat(done.snapshotDetails()).singleElement().satisfies(d -> {
            assertThat(d.snapshotId()).startsWith("snap-");
            assertThat(d.format()).isEqualTo("RAW");
            assertThat(d.diskImageSize()).isEqualTo((double) GOOD_RAW.length);
        });
        Image image = ec2.describeImages(r -> r.imageIds(done.imageId())).images().get(0);
        assertThat(image.name()).isEqualTo(taskId);
        assertThat(image.blockDeviceMappings().get(0).ebs().snapshotId()).isNotBlank();
    }

    @Test
    void progressRisesWhileTheTaskIsActive() throws Exception {
        String taskId = importImage(upload(GOOD_RAW, null), "RAW").importTaskId();
        List<Integer> progress = new ArrayList<>();
        for (ImportImageTask t = describe(taskId); t.status().equals("active"); t = describe(taskId)) {
            int p = Integer.parseInt(t.progress());
            if (progress.isEmpty() || progress.get(progress.size() - 1) != p) progress.add(p);
            Thread.sleep(50);
        }
        assertThat(progress).isSorted().hasSizeGreaterThan(5);
        assertThat(progress.get(progress.size() - 1)).isGreaterThanOrEqualTo(51); // at least as far as booting
    }

    @Test
    void aVmdkThatIsNotStreamOptimizedFailsValidationAsAwsReportsIt() throws Exception {
        String taskId = importImage(upload(SampleImages.monolithicSparseVmdkHeader(2048), null), "vmdk").importTaskId();

        List<String> seen = walk(taskId, Duration.ofSeconds(30));

        assertThat(seen.get(seen.size() - 1)).isEqualTo("deleted:ClientError: Disk validation failed [Unsupported VMDK File Format]");
        assertThat(seen).doesNotContain("active:converting");
    }

    @Test
    void aStreamOptimizedVmdkImports() throws Exception {
        String taskId = importImage(upload(SampleImages.streamOptimizedVmdkHeader(2048), null), "VMDK").importTaskId();

        assertThat(walk(taskId, Duration.ofSeconds(30))).last().isEqualTo("completed:");
    }

    @Test
    void aRawDiskWithoutAPartitionTableFailsWithNoValidPartitions() throws Exception {
        String taskId = importImage(upload(SampleImages.rawWithoutPartitionTable(64 * 1024), null), "raw").importTaskId();

        List<String> seen = walk(taskId, Duration.ofSeconds(30));

        assertThat(seen).contains("active:converting");
        assertThat(seen).last().isEqualTo("deleted:ClientError: No valid partitions. Not a valid volume.");
    }

    @Test
    void contentThatIsNotTheDeclaredFormatFailsWithAClientErrorThatSaysSo() throws Exception {
        String taskId = importImage(upload("just some text, not a disk".getBytes(), null), "vhd").importTaskId();

        assertThat(walk(taskId, Duration.ofSeconds(30))).last().asString()
                .startsWith("deleted:ClientError: Disk validation failed [Unsupported VHD format");
    }

    @Test
    void aFixedVhdImports() throws Exception {
        String taskId = importImage(upload(SampleImages.fixedVhd(GOOD_RAW), null), "vhd").importTaskId();

        assertThat(walk(taskId, Duration.ofSeconds(30))).last().isEqualTo("completed:");
    }

    @Test
    void aMissingObjectEndsTheTaskDeletedWithAClientError() throws Exception {
        String taskId = importImage("disks/not-there.raw", "raw").importTaskId();

        assertThat(walk(taskId, Duration.ofSeconds(30))).last().isEqualTo("deleted:ClientError: Invalid S3 source location");
    }

    @Test
    void anEmptyObjectIsRefusedAtOnceWithDiskImageSizeZero() {
        String key = upload(new byte[0], null);

        assertThatThrownBy(() -> importImage(key, "raw"))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameter");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Parameter disk-image-size=0 has an invalid format");
                });
    }

    @Test
    void anUnsupportedFormatIsRefusedAtOnce() {
        String key = upload(GOOD_RAW, null);

        assertThatThrownBy(() -> importImage(key, "qcow2"))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue"));
    }

    @Test
    void aMissingServiceRoleIsRefusedAtOnce() {
        String key = upload(GOOD_RAW, null);

        assertThatThrownBy(() -> ec2.importImage(r -> r.roleName("no-such-role")
                .diskContainers(d -> d.format("raw").userBucket(u -> u.s3Bucket(BUCKET).s3Key(key)))))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                        .contains("The service role no-such-role provided does not exist"));
    }

    @Test
    void missingDiskContainersAreRefused() {
        assertThatThrownBy(() -> ec2.importImage(r -> r.description("nothing")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MissingParameter"));
    }

    @Test
    void theSameClientTokenReturnsTheSameTask() {
        String key = upload(GOOD_RAW, null);
        String token = UUID.randomUUID().toString();

        String first = ec2.importImage(r -> r.clientToken(token)
                .diskContainers(d -> d.format("raw").userBucket(u -> u.s3Bucket(BUCKET).s3Key(key)))).importTaskId();
        String second = ec2.importImage(r -> r.clientToken(token)
                .diskContainers(d -> d.format("raw").userBucket(u -> u.s3Bucket(BUCKET).s3Key(key)))).importTaskId();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void tagSpecificationsLandOnTheTaskAndFilterIt() throws Exception {
        String key = upload(GOOD_RAW, null);
        String marker = UUID.randomUUID().toString();
        String taskId = ec2.importImage(r -> r
                .diskContainers(d -> d.format("raw").userBucket(u -> u.s3Bucket(BUCKET).s3Key(key)))
                .tagSpecifications(t -> t.resourceType("import-image-task").tags(tag -> tag.key("marker").value(marker))))
                .importTaskId();

        List<ImportImageTask> tagged = ec2.describeImportImageTasks(r -> r.filters(
                Filter.builder().name("tag:marker").values(marker).build())).importImageTasks();

        assertThat(tagged).singleElement().satisfies(t -> {
            assertThat(t.importTaskId()).isEqualTo(taskId);
            assertThat(t.tags()).anySatisfy(tag -> assertThat(tag.value()).isEqualTo(marker));
        });
        walk(taskId, Duration.ofSeconds(30));
    }

    @Test
    void theTaskStateFilterAndPagingWork() throws Exception {
        String done = importImage(upload(GOOD_RAW, null), "raw").importTaskId();
        walk(done, Duration.ofSeconds(30));

        List<String> completed = new ArrayList<>();
        String token = null;
        do {
            String page = token;
            var response = ec2.describeImportImageTasks(r -> r.maxResults(5).nextToken(page)
                    .filters(Filter.builder().name("task-state").values("completed").build()));
            response.importImageTasks().forEach(t -> {
                assertThat(t.status()).isEqualTo("completed");
                completed.add(t.importTaskId());
            });
            token = response.nextToken();
        } while (token != null);

        assertThat(completed).contains(done).doesNotHaveDuplicates();
    }

    @Test
    void cancelMovesAnActiveTaskToDeletingThenDeleted() throws Exception {
        String taskId = importImage(upload(GOOD_RAW, "stuck-booting"), "raw").importTaskId();

        var cancelled = ec2.cancelImportTask(r -> r.importTaskId(taskId).cancelReason("test"));

        assertThat(cancelled.previousState()).isEqualTo("active");
        assertThat(cancelled.state()).isEqualTo("deleting");
        assertThat(describe(taskId).status()).isIn("deleting", "deleted");
        assertThat(walk(taskId, Duration.ofSeconds(30))).last().asString().startsWith("deleted:");
        assertThatThrownBy(() -> ec2.cancelImportTask(r -> r.importTaskId(taskId)))
                .isInstanceOf(Ec2Exception.class);
    }
}
