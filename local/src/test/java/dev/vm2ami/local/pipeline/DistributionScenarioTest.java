package dev.vm2ami.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.sampleimages.SampleImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageAttributeName;
import software.amazon.awssdk.services.ec2.model.LaunchPermission;
import software.amazon.awssdk.services.ec2.model.SnapshotAttributeName;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Distribution on the local cloud, under IAM enforcement: an AMI shared (AMI and snapshots), copied to
 * eu-west-1 with its tags and permissions, published in SSM, deprecated, IMDSv2 only; the source tagged
 * or exactly its version deleted; an invalid account rejected before import; a copy into a region the
 * account has not enabled failing that region only.
 */
@ExtendWith(LocalCloudExtension.class)
class DistributionScenarioTest {
    static final Duration LIMIT = Duration.ofSeconds(300);
    static final byte[] IMAGE = SampleImages.rawWithLinuxPartition(1 << 20);
    static final String ACCOUNT = "111122223333";
    static final String ORG = "arn:aws:organizations::111122223333:organization/o-abcde12345";
    static final String EVERYTHING = "fleet/web-base.raw";
    static final String DELETED = "fleet/one-off.raw";
    static final String BAD_ACCOUNT = "fleet/typo.raw";
    static final String HALF_COPIED = "fleet/far-away.raw";

    static PipelineHarness harness;
    static String bucket;
    static PutObjectResponse olderVersion;
    static PutObjectResponse importedVersion;

    @BeforeAll
    static void dropTheImages(LocalCloud cloud) {
        harness = new PipelineHarness(cloud);
        var s3 = cloud.clients().s3();
        bucket = harness.pipeline().bucket();
        manifest(EVERYTHING, """
                {"shareWith": {"accounts": ["%s"], "organizationArns": ["%s"]}, "copyToRegions": ["eu-west-1"],
                 "ssmParameter": "/images/{stem}/latest", "deprecateAfterDays": 90, "imdsSupport": "v2.0",
                 "sourceDisposition": "tag", "tags": {"App": "web"}}""".formatted(ACCOUNT, ORG));
        manifest(DELETED, "{\"sourceDisposition\": \"delete\"}");
        manifest(BAD_ACCOUNT, "{\"shareWith\": {\"accounts\": [\"11112222333\"]}}");
        manifest(HALF_COPIED, "{\"copyToRegions\": [\"eu-west-1\", \"ap-east-1\"], \"shareWith\": {\"accounts\": [\"" + ACCOUNT + "\"]}}");
        harness.drop(EVERYTHING, IMAGE, null);
        harness.drop(BAD_ACCOUNT, IMAGE, null);
        harness.drop(HALF_COPIED, IMAGE, null);
        // Two versions of one key: a text file (rejected, so kept) and then the image, whose version alone is deleted.
        olderVersion = s3.putObject(p -> p.bucket(bucket).key(DELETED), RequestBody.fromString("release notes, not a disk"));
        importedVersion = s3.putObject(p -> p.bucket(bucket).key(DELETED), RequestBody.fromBytes(IMAGE));
    }

    static void manifest(String key, String json) {
        harness.cloud().clients().s3().putObject(p -> p.bucket(bucket).key(key + ".vm2ami.json"), RequestBody.fromString(json));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    static Map<String, String> tags(List<Tag> tags) {
        return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }

    static Image image(Ec2Client ec2, String imageId) {
        return ec2.describeImages(r -> r.imageIds(imageId)).images().get(0);
    }

    @Test
    void everyOptionAtOnce() {
        var n = harness.awaitNotification(EVERYTHING, LIMIT);
        JsonNode b = n.body();
        assertThat(n.status()).as(b.toPrettyString()).isEqualTo("SUCCEEDED");
        var clients = harness.cloud().clients();
        Ec2Client home = clients.ec2();
        Ec2Client eu = clients.ec2("eu-west-1");
        String amiId = b.path("imageId").asText();
        Image ami = image(home, amiId);
        String snapshot = b.path("snapshotIds").get(0).asText();

        // Shared: the AMI with the account and the organization, its snapshot with the account.
        assertThat(home.describeImageAttribute(r -> r.imageId(amiId).attribute(ImageAttributeName.LAUNCH_PERMISSION))
                .launchPermissions()).extracting(LaunchPermission::userId, LaunchPermission::organizationArn)
                .contains(org.assertj.core.groups.Tuple.tuple(ACCOUNT, null), org.assertj.core.groups.Tuple.tuple(null, ORG));
        assertThat(home.describeSnapshotAttribute(r -> r.snapshotId(snapshot).attribute(SnapshotAttributeName.CREATE_VOLUME_PERMISSION))
                .createVolumePermissions()).extracting(p -> p.userId()).containsExactly(ACCOUNT);
        // Deprecated about 90 days out; IMDSv2 required.
        Instant deprecation = Instant.parse(ami.deprecationTime());
        assertThat(deprecation).isBetween(Instant.now().plus(Duration.ofDays(89)), Instant.now().plus(Duration.ofDays(91)));
        assertThat(ami.imdsSupportAsString()).isEqualTo("v2.0");
        // The SSM parameter holds the id in each region that has the AMI.
        assertThat(clients.ssm(harness.cloud().region()).getParameter(r -> r.name("/images/web-base/latest")).parameter().value())
                .isEqualTo(amiId);

        // Copied to eu-west-1 with the same name, tags and permissions.
        JsonNode copy = b.path("copies").get(0);
        assertThat(copy.path("region").asText()).isEqualTo("eu-west-1");
        assertThat(copy.path("status").asText()).isEqualTo("AVAILABLE");
        String copyId = copy.path("imageId").asText();
        Image copied = image(eu, copyId);
        assertThat(copied.name()).isEqualTo(ami.name());
        assertThat(tags(copied.tags())).containsEntry("App", "web").containsEntry("Name", ami.name())
                .containsEntry("vm2ami:source-key", EVERYTHING).containsEntry("vm2ami:execution", tags(ami.tags()).get("vm2ami:execution"));
        assertThat(eu.describeImageAttribute(r -> r.imageId(copyId).attribute(ImageAttributeName.LAUNCH_PERMISSION))
                .launchPermissions()).extracting(LaunchPermission::userId).contains(ACCOUNT);
        String copySnapshot = copied.blockDeviceMappings().get(0).ebs().snapshotId();
        assertThat(eu.describeSnapshotAttribute(r -> r.snapshotId(copySnapshot).attribute(SnapshotAttributeName.CREATE_VOLUME_PERMISSION))
                .createVolumePermissions()).extracting(p -> p.userId()).containsExactly(ACCOUNT);
        assertThat(copied.deprecationTime()).isEqualTo(ami.deprecationTime());
        assertThat(copied.imdsSupportAsString()).isEqualTo("v2.0");
        assertThat(clients.ssm("eu-west-1").getParameter(r -> r.name("/images/web-base/latest")).parameter().value()).isEqualTo(copyId);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> home.describeImages(r -> r.imageIds(copyId)))
                .as("the copy is in eu-west-1 only: regions are apart").hasMessageContaining("does not exist");

        // The notification says all of it; the source object version carries the AMI id.
        assertThat(b.path("sharedWith").path("accounts").get(0).asText()).isEqualTo(ACCOUNT);
        assertThat(b.path("ssmParameter").asText()).isEqualTo("/images/web-base/latest");
        assertThat(b.path("source").path("disposition").asText()).isEqualTo("tagged");
        String version = b.path("source").path("versionId").asText();
        assertThat(tags(clients.s3().getObjectTagging(r -> r.bucket(bucket).key(EVERYTHING).versionId(version)).tagSet().stream()
                .map(t -> Tag.builder().key(t.key()).value(t.value()).build()).toList())).containsEntry("vm2ami:ami-id", amiId);
    }

    @Test
    void deleteRemovesExactlyTheImportedVersion() {
        var n = awaitSucceeded(DELETED);

        assertThat(n.body().path("source").path("versionId").asText()).isEqualTo(importedVersion.versionId());
        assertThat(n.body().path("source").path("disposition").asText()).isEqualTo("deleted");
        List<ObjectVersion> versions = harness.cloud().clients().s3().listObjectVersions(r -> r.bucket(bucket).prefix(DELETED)).versions()
                .stream().filter(v -> v.key().equals(DELETED)).toList();
        assertThat(versions).extracting(ObjectVersion::versionId).containsExactly(olderVersion.versionId());
    }

    @Test
    void anInvalidAccountIdIsRejectedBeforeAnyImport() {
        var n = harness.awaitNotification(BAD_ACCOUNT, LIMIT);

        assertThat(n.status()).isEqualTo("REJECTED");
        assertThat(n.body().path("importTaskId").isMissingNode()).isTrue();
        assertThat(n.body().path("findings").get(0).path("code").asText()).isEqualTo("INVALID_OPTIONS");
        assertThat(n.body().path("findings").get(0).path("message").asText()).contains("shareWith.accounts").contains("11112222333");
        assertThat(harness.importTasksFor(BAD_ACCOUNT)).isEmpty();
    }

    @Test
    void aCopyThatFailsInOneRegionLeavesTheImageSucceededWithThatRegionMarkedFailed() {
        var n = harness.awaitNotification(HALF_COPIED, LIMIT);
        JsonNode b = n.body();

        assertThat(n.status()).as(b.toPrettyString()).isEqualTo("SUCCEEDED");
        assertThat(n.subject()).endsWith("(copy to ap-east-1 failed)");
        Map<String, JsonNode> copies = new java.util.HashMap<>();
        b.path("copies").forEach(c -> copies.put(c.path("region").asText(), c));
        assertThat(copies.get("eu-west-1").path("status").asText()).isEqualTo("AVAILABLE");
        assertThat(copies.get("ap-east-1").path("status").asText()).isEqualTo("FAILED");
        assertThat(copies.get("ap-east-1").path("message").asText()).contains("AuthFailure");
        String copyId = copies.get("eu-west-1").path("imageId").asText();
        assertThat(harness.cloud().clients().ec2("eu-west-1").describeImageAttribute(r -> r.imageId(copyId)
                .attribute(ImageAttributeName.LAUNCH_PERMISSION)).launchPermissions()).extracting(LaunchPermission::userId).contains(ACCOUNT);
    }

    static Notifications.Received awaitSucceeded(String key) {
        long until = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < until) {
            var found = harness.notificationsFor(key).stream().filter(n -> n.status().equals("SUCCEEDED")).findFirst();
            if (found.isPresent()) return found.get();
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no SUCCEEDED notification for " + key + "; so far: " + harness.notificationsFor(key));
    }
}
