package dev.vm2ami.ami;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AmiFinisherTest {
    /** Records every CopyImage request; answers one AMI per client token, as EC2 does. */
    static final class RecordingImages implements Images {
        final List<String> tokens = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final List<String> descriptions = new ArrayList<>();
        final Map<String, String> copies = new java.util.LinkedHashMap<>();

        @Override public Optional<ImageView> describe(String imageId) { return Optional.empty(); }
        @Override public String copy(String sourceImageId, String name, String description, String kmsKeyId, String clientToken) {
            tokens.add(clientToken);
            names.add(name);
            descriptions.add(description);
            return copies.computeIfAbsent(clientToken, t -> "ami-" + (copies.size() + 1));
        }
        @Override public String register(Images.Registration registration) { throw new AssertionError("the image path copies"); }
        @Override public Optional<ImageView> findByName(String name) { return Optional.empty(); }
        @Override public void tag(List<String> resourceIds, Map<String, String> tags) { }
        @Override public void deregister(String imageId) { }
        @Override public void deleteSnapshot(String snapshotId) { }
        @Override public String region() { return "us-east-1"; }
    }

    private static ImportJob completedJob() throws Exception {
        ObjectNode job = (ObjectNode) Json.MAPPER.readTree(Files.readString(Path.of("events/jobs/after-submit.json")));
        ((ObjectNode) job.path("task")).put("imageId", "ami-0intermediate").put("status", "completed");
        return Json.MAPPER.treeToValue(job, ImportJob.class);
    }

    @Test
    void aFinishRunTwiceCopiesWithTheSameClientTokenAndSoMakesOneAmi() throws Exception {
        RecordingImages images = new RecordingImages();
        ImportJob job = completedJob();
        // A retry comes later: the clock has moved on, the AMI's name and token must not.
        new AmiFinisher(images, PipelineSettings.defaults(), Clock.fixed(Instant.parse("2026-11-23T10:40:00Z"), ZoneOffset.UTC)).finish(job);
        new AmiFinisher(images, PipelineSettings.defaults(), Clock.fixed(Instant.parse("2026-11-23T10:41:07Z"), ZoneOffset.UTC)).finish(job);

        assertThat(images.tokens).hasSize(2).doesNotContainNull();
        assertThat(images.tokens.get(1)).isEqualTo(images.tokens.get(0));
        assertThat(images.tokens.get(0)).hasSizeLessThanOrEqualTo(64);
        assertThat(images.names.get(1)).isEqualTo(images.names.get(0)).isEqualTo("web-01-20261123-100000");
        assertThat(images.copies).hasSize(1);
    }

    @Test
    void anotherExecutionOfTheSameImageGetsItsOwnToken() throws Exception {
        ImportJob job = completedJob();
        ImportJob other = Json.MAPPER.treeToValue(((ObjectNode) Json.MAPPER.valueToTree(job)).put("executionName", "web-01-vmdk-adopt-1"),
                ImportJob.class);
        assertThat(AmiFinisher.copyToken(other, "ami-0intermediate", "n")).isNotEqualTo(AmiFinisher.copyToken(job, "ami-0intermediate", "n"));
    }

    @Test
    void theAmiCarriesTheImagesDescriptionAndOtherwiseWhereItCameFrom() throws Exception {
        ImportJob job = completedJob();
        ObjectNode described = Json.MAPPER.valueToTree(job);
        ((ObjectNode) described.path("image")).put("description", "payments base image");
        RecordingImages images = new RecordingImages();
        AmiFinisher finisher = new AmiFinisher(images, PipelineSettings.defaults(), Clock.systemUTC());

        finisher.finish(Json.MAPPER.treeToValue(described, ImportJob.class));
        ((ObjectNode) described.path("image")).putNull("description");
        finisher.finish(Json.MAPPER.treeToValue(described.put("executionName", "web-01-vmdk-other"), ImportJob.class));

        assertThat(images.descriptions.get(0)).isEqualTo("payments base image");
        assertThat(images.descriptions.get(1)).isEqualTo("vm2ami: s3://" + job.source().bucket() + "/" + job.source().key());
    }
}
