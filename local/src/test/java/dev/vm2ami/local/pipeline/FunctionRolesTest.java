package dev.vm2ami.local.pipeline;

import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.testing.AssumedRoles;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.wiring.PipelineFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each function's role, from the synthesized template, assumed via STS against the local endpoint: it
 * can do its own step and is denied its neighbours'.
 */
@ExtendWith(LocalCloudExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunctionRolesTest {
    private static final String IMAGE = "roles/disk.raw";
    private PipelineHarness harness;
    private LocalCloud cloud;

    @BeforeAll
    void deploy(LocalCloud cloud) {
        this.cloud = cloud;
        this.harness = new PipelineHarness(cloud);
        // Not an image suffix the bucket notifies on, so no execution starts for it.
        cloud.clients().s3().putObject(p -> p.bucket(harness.pipeline().bucket()).key(IMAGE + ".bin"), RequestBody.fromBytes(new byte[512]));
    }

    @AfterAll
    void close() {
        harness.close();
    }

    @Test
    void inspectMayReadImagesButNotWriteThemNorImport() {
        AwsCredentialsProvider inspect = as(PipelineFunction.INSPECT);
        try (S3Client s3 = s3(inspect); Ec2Client ec2 = ec2(inspect)) {
            assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket()).key(IMAGE + ".bin")).asByteArray()).hasSize(512);
            assertThat(denied(() -> s3.putObject(p -> p.bucket(bucket()).key("roles/new.raw"), RequestBody.fromBytes(new byte[1]))))
                    .isEqualTo("AccessDenied");
            assertThat(denied(() -> ec2.importImage(r -> r.diskContainers(d -> d.format("raw")
                    .userBucket(u -> u.s3Bucket(bucket()).s3Key(IMAGE + ".bin")))))).isEqualTo("UnauthorizedOperation");
        }
    }

    @Test
    void convertMayReadImagesAndWriteUnderTheConvertedPrefixOnly() {
        AwsCredentialsProvider convert = as(PipelineFunction.CONVERT);
        try (S3Client s3 = s3(convert); Ec2Client ec2 = ec2(convert)) {
            assertThat(s3.getObjectAsBytes(r -> r.bucket(bucket()).key(IMAGE + ".bin")).asByteArray()).hasSize(512);
            s3.putObject(p -> p.bucket(bucket()).key("converted/roles/new.vmdk"), RequestBody.fromBytes(new byte[1]));
            s3.putObjectTagging(p -> p.bucket(bucket()).key("converted/roles/new.vmdk")
                    .tagging(t -> t.tagSet(software.amazon.awssdk.services.s3.model.Tag.builder().key("k").value("v").build())));
            assertThat(denied(() -> s3.putObject(p -> p.bucket(bucket()).key("roles/new.raw"), RequestBody.fromBytes(new byte[1]))))
                    .isEqualTo("AccessDenied");
            assertThat(denied(() -> ec2.importImage(r -> r.diskContainers(d -> d.format("vmdk")
                    .userBucket(u -> u.s3Bucket(bucket()).s3Key("converted/roles/new.vmdk")))))).isEqualTo("UnauthorizedOperation");
        }
    }

    @Test
    void startMayStartExecutionsButNotTouchImages() {
        AwsCredentialsProvider start = as(PipelineFunction.START);
        try (SfnClient sfn = sfn(start); Ec2Client ec2 = ec2(start); S3Client s3 = s3(start)) {
            assertThat(denied(() -> sfn.listExecutions(r -> r.stateMachineArn(harness.pipeline().stateMachineArn()))))
                    .isEqualTo("AccessDeniedException");
            assertThat(denied(() -> ec2.describeImages(r -> r.owners("self")))).isEqualTo("UnauthorizedOperation");
            assertThat(denied(() -> ec2.copyImage(r -> r.sourceImageId("ami-12345678").sourceRegion(cloud.region()).name("x"))))
                    .isEqualTo("UnauthorizedOperation");
            assertThat(denied(() -> s3.getObjectAsBytes(r -> r.bucket(bucket()).key(IMAGE + ".bin")))).isEqualTo("AccessDenied");
        }
    }

    @Test
    void submitMayFollowImportsAndCheckTheImagesVersionButNotWriteImages() {
        AwsCredentialsProvider submit = as(PipelineFunction.SUBMIT);
        try (Ec2Client ec2 = ec2(submit); S3Client s3 = s3(submit)) {
            assertThat(ec2.describeImportImageTasks(r -> r.maxResults(5)).importImageTasks()).isNotNull();
            assertThat(s3.headObject(r -> r.bucket(bucket()).key(IMAGE + ".bin")).contentLength()).isEqualTo(512);
            assertThat(denied(() -> s3.putObject(p -> p.bucket(bucket()).key("roles/new.raw"), RequestBody.fromBytes(new byte[1]))))
                    .isEqualTo("AccessDenied");
            assertThat(denied(() -> ec2.describeImages(r -> r.owners("self")))).isEqualTo("UnauthorizedOperation");
        }
    }

    @Test
    void checkMayDescribeImportsButNotCancelThem() {
        AwsCredentialsProvider check = as(PipelineFunction.CHECK);
        try (Ec2Client ec2 = ec2(check)) {
            assertThat(ec2.describeImportImageTasks(r -> r.maxResults(5)).importImageTasks()).isNotNull();
            assertThat(denied(() -> ec2.cancelImportTask(r -> r.importTaskId("import-ami-0123456789abcdef0"))))
                    .isEqualTo("UnauthorizedOperation");
        }
    }

    @Test
    void finishMayDescribeImagesButNotImportNorCancel() {
        AwsCredentialsProvider finish = as(PipelineFunction.FINISH);
        try (Ec2Client ec2 = ec2(finish)) {
            assertThat(ec2.describeImages(r -> r.owners("self")).images()).isNotNull();
            assertThat(denied(() -> ec2.importImage(r -> r.diskContainers(d -> d.format("raw")
                    .userBucket(u -> u.s3Bucket(bucket()).s3Key(IMAGE + ".bin")))))).isEqualTo("UnauthorizedOperation");
            assertThat(denied(() -> ec2.cancelImportTask(r -> r.importTaskId("import-ami-0123456789abcdef0"))))
                    .isEqualTo("UnauthorizedOperation");
        }
    }

    @Test
    void registerMayRegisterAnAmiFromASnapshotButNotImportNorCopy() {
        try (Ec2Client ec2 = ec2(as(PipelineFunction.REGISTER))) {
            // Authorized, then refused by EC2 itself because the snapshot does not exist.
            assertThat(denied(() -> ec2.registerImage(r -> r.name("roles-test").rootDeviceName("/dev/xvda").architecture("arm64")
                    .blockDeviceMappings(b -> b.deviceName("/dev/xvda").ebs(e -> e.snapshotId("snap-0123456789abcdef0"))))))
                    .isEqualTo("InvalidSnapshot.NotFound");
            assertThat(denied(() -> ec2.importSnapshot(r -> r.diskContainer(d -> d.format("raw")
                    .userBucket(u -> u.s3Bucket(bucket()).s3Key(IMAGE + ".bin")))))).isEqualTo("UnauthorizedOperation");
            assertThat(denied(() -> ec2.copyImage(r -> r.sourceImageId("ami-12345678").sourceRegion(cloud.region()).name("x"))))
                    .isEqualTo("UnauthorizedOperation");
        }
    }

    @Test
    void checkMayDescribeSnapshotImportsToo() {
        try (Ec2Client ec2 = ec2(as(PipelineFunction.CHECK))) {
            assertThat(ec2.describeImportSnapshotTasks(r -> r.maxResults(5)).importSnapshotTasks()).isNotNull();
        }
    }

    @Test
    void reconcileMayCancelImportsButNotCopyImages() {
        AwsCredentialsProvider reconcile = as(PipelineFunction.RECONCILE);
        try (Ec2Client ec2 = ec2(reconcile)) {
            // Authorized, then refused by EC2 itself because the task does not exist.
            assertThat(denied(() -> ec2.cancelImportTask(r -> r.importTaskId("import-ami-0123456789abcdef0"))))
                    .isEqualTo("InvalidConversionTaskId");
            assertThat(denied(() -> ec2.copyImage(r -> r.sourceImageId("ami-12345678").sourceRegion(cloud.region()).name("x"))))
                    .isEqualTo("UnauthorizedOperation");
        }
    }

    @Test
    void distributeMayChangeOnlyImagesTaggedAsVm2amisOwn() {
        Ec2Client user = cloud.clients().ec2();
        String amazons = user.describeImages(r -> r.owners("amazon")).images().get(0).imageId();
        String theirs = user.copyImage(r -> r.sourceImageId(amazons).sourceRegion(cloud.region()).name("someone-elses-image")).imageId();
        String ours = user.copyImage(r -> r.sourceImageId(amazons).sourceRegion(cloud.region()).name("vm2amis-image")).imageId();
        user.createTags(r -> r.resources(ours).tags(t -> t.key("vm2ami:execution").value("web-01-exec")));
        try (Ec2Client ec2 = ec2(as(PipelineFunction.DISTRIBUTE))) {
            ec2.enableImageDeprecation(r -> r.imageId(ours).deprecateAt(java.time.Instant.now().plus(java.time.Duration.ofDays(90))));
            assertThat(denied(() -> ec2.enableImageDeprecation(r -> r.imageId(theirs)
                    .deprecateAt(java.time.Instant.now().plus(java.time.Duration.ofDays(90)))))).isEqualTo("UnauthorizedOperation");
            assertThat(denied(() -> ec2.modifyImageAttribute(r -> r.imageId(theirs).launchPermission(p -> p.add(l -> l.userId("111122223333"))))))
                    .isEqualTo("UnauthorizedOperation");
            assertThat(denied(() -> ec2.copyImage(r -> r.sourceImageId(ours).sourceRegion(cloud.region()).name("x-copy"))))
                    .isEqualTo("UnauthorizedOperation");
        }
        try (Ec2Client ec2 = ec2(as(PipelineFunction.COPY))) {
            assertThat(denied(() -> ec2.createTags(r -> r.resources(theirs).tags(t -> t.key("Owner").value("me")))))
                    .isEqualTo("UnauthorizedOperation");
            assertThat(denied(() -> ec2.modifyImageAttribute(r -> r.imageId(theirs).imdsSupport(v -> v.value("v2.0")))))
                    .isEqualTo("UnauthorizedOperation");
            ec2.modifyImageAttribute(r -> r.imageId(ours).imdsSupport(v -> v.value("v2.0")));
        }
    }

    @Test
    void notifyMayCallNothing() {
        try (Ec2Client ec2 = ec2(as(PipelineFunction.NOTIFY))) {
            assertThat(denied(() -> ec2.describeImportImageTasks(r -> r.maxResults(5)))).isEqualTo("UnauthorizedOperation");
        }
    }

    private String bucket() {
        return harness.pipeline().bucket();
    }

    private AwsCredentialsProvider as(PipelineFunction f) {
        String role = cloud.clients().lambda().getFunctionConfiguration(r -> r.functionName(harness.pipeline().functionNames().get(f))).role();
        return AssumedRoles.assume(cloud, role, "test-" + f.id());
    }

    /** The error code the call was refused with. */
    private static String denied(Supplier<?> call) {
        try {
            call.get();
        } catch (AwsServiceException e) {
            return e.awsErrorDetails().errorCode();
        }
        throw new AssertionError("the call was not refused");
    }

    private S3Client s3(AwsCredentialsProvider credentials) {
        return S3Client.builder().endpointOverride(cloud.endpoint()).region(Region.of(cloud.region())).forcePathStyle(true)
                .credentialsProvider(credentials).build();
    }

    private Ec2Client ec2(AwsCredentialsProvider credentials) {
        return Ec2Client.builder().endpointOverride(cloud.endpoint()).region(Region.of(cloud.region())).credentialsProvider(credentials).build();
    }

    private SfnClient sfn(AwsCredentialsProvider credentials) {
        return SfnClient.builder().endpointOverride(cloud.endpoint()).region(Region.of(cloud.region())).credentialsProvider(credentials).build();
    }
}
