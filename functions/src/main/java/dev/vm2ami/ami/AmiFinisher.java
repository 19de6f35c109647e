package dev.vm2ami.ami;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.AmiDecision;
import dev.vm2ami.job.ImportJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Leaves one well-named, tagged AMI per image. ImportImage registers its AMI under the task id
 * ({@code import-ami-…}) and AMIs cannot be renamed, so, as peers do, the finish step copies it
 * under the rendered name, tags the copy and its snapshots with provenance, and once the copy is
 * available retires the intermediate image and its snapshots. Called again while the copy is
 * pending (the state machine waits between calls).
 */
public final class AmiFinisher {
    private static final Logger LOG = LoggerFactory.getLogger(AmiFinisher.class);

    private final Images images;
    private final PipelineSettings settings;
    private final Clock clock;

    public AmiFinisher(Images images, PipelineSettings settings, Clock clock) {
        this.images = images;
        this.settings = settings;
        this.clock = clock;
    }

    public ImportJob finish(ImportJob job) {
        ImportJob.AmiResult ami = job.ami();
        if (ami == null || ami.imageId() == null) return copy(job);
        return settle(job, ami);
    }

    /** The AMI's name: the image's amiName, else the stack's template rendered for this image. */
    static String wantedName(ImportJob job, PipelineSettings settings, Clock clock) {
        ImportJob.SourceObject s = job.source();
        return job.image() != null && job.image().amiName() != null && !job.image().amiName().isBlank()
                ? AmiNames.sanitize(job.image().amiName())
                : AmiNames.render(settings.amiNameTemplate(), s.key(), s.version(), nameTime(job, clock));
    }

    private ImportJob copy(ImportJob job) {
        String intermediate = job.task().imageId();
        ImportJob.SourceObject s = job.source();
        String wanted = wantedName(job, settings, clock);
        // The image's own description (manifest or metadata) when it has one, as the import task has it.
        String description = job.image() != null && job.image().description() != null && !job.image().description().isBlank()
                ? job.image().description() : "vm2ami: s3://" + s.bucket() + "/" + s.key();
        if (description.length() > 255) description = description.substring(0, 255);
        String name = wanted;
        String imageId;
        try {
            imageId = images.copy(intermediate, name, description, settings.kmsKeyId(), copyToken(job, intermediate, name));
        } catch (Images.DuplicateNameException e) {
            name = AmiNames.withSuffix(wanted, job.executionName().substring(job.executionName().length() - 8));
            LOG.info("an AMI named '{}' exists; naming this one '{}'", wanted, name);
            imageId = images.copy(intermediate, name, description, settings.kmsKeyId(), copyToken(job, intermediate, name));
        }
        images.tag(List.of(imageId), tags(job, name));
        LOG.info("copied {} to {} named '{}'", intermediate, imageId, name);
        return job.withAmi(new ImportJob.AmiResult(imageId, name, images.region(), List.of(), intermediate, AmiDecision.WAIT,
                Math.max(1, job.timing().minPollSeconds())));
    }

    /**
     * The same for every run of this step for this execution and intermediate AMI: a finish step that
     * Step Functions retries after CopyImage succeeded gets the first copy back instead of a second AMI.
     * EC2 takes tokens of at most 64 ASCII characters.
     */
    static String copyToken(ImportJob job, String intermediate, String name) {
        return dev.vm2ami.job.Sha256.hex(job.executionName() + "|" + intermediate + "|" + name).substring(0, 64);
    }

    /** When the image was received, so a retried step renders the same {date}-{time} (and so the same token). */
    private static java.time.Instant nameTime(ImportJob job, Clock clock) {
        try {
            return job.receivedAt() != null ? java.time.Instant.parse(job.receivedAt()) : clock.instant();
        } catch (java.time.format.DateTimeParseException e) {
            return clock.instant();
        }
    }

    private ImportJob settle(ImportJob job, ImportJob.AmiResult ami) {
        ImageView copy = images.describe(ami.imageId()).orElseThrow(() ->
                new IllegalStateException("the copied AMI " + ami.imageId() + " has disappeared"));
        switch (copy.state()) {
            case "available" -> {
                if (!copy.snapshotIds().isEmpty()) images.tag(copy.snapshotIds(), tags(job, ami.imageName()));
                if (ami.intermediateImageId() != null) retireIntermediate(job); // none on the snapshot path
                LOG.info("AMI {} '{}' is available", copy.imageId(), ami.imageName());
                return job.withAmi(new ImportJob.AmiResult(ami.imageId(), ami.imageName(), ami.region(), copy.snapshotIds(),
                        ami.intermediateImageId(), AmiDecision.DONE, 0));
            }
            case "pending" -> {
                int wait = Math.min(job.timing().pollSeconds(), Math.max(job.timing().minPollSeconds(), ami.nextCheckSeconds() * 2));
                return job.withAmi(new ImportJob.AmiResult(ami.imageId(), ami.imageName(), ami.region(), List.of(),
                        ami.intermediateImageId(), AmiDecision.WAIT, wait));
            }
            default -> throw new IllegalStateException("the copied AMI " + ami.imageId() + " is " + copy.state()
                    + "; the imported image " + ami.intermediateImageId() + " was kept");
        }
    }

    private void retireIntermediate(ImportJob job) {
        String intermediate = job.task().imageId();
        List<String> snapshots = new ArrayList<>(job.task().snapshotIds());
        images.describe(intermediate).ifPresent(image -> {
            snapshots.addAll(image.snapshotIds());
            images.deregister(intermediate);
        });
        snapshots.stream().distinct().forEach(images::deleteSnapshot);
        LOG.info("retired the intermediate image {} and its snapshots {}", intermediate, snapshots.stream().distinct().toList());
    }

    /** Provenance tags plus the configured and per-image ones; values cut to EC2's 256 characters. */
    Map<String, String> tags(ImportJob job, String name) {
        return provenanceTags(job, name, settings.pipelineVersion());
    }

    /** The same tags on both paths' AMIs and snapshots. */
    static Map<String, String> provenanceTags(ImportJob job, String name, String pipelineVersion) {
        ImportJob.SourceObject s = job.source();
        Map<String, String> tags = new LinkedHashMap<>();
        if (job.image() != null) tags.putAll(job.image().tags());
        tags.put("Name", name);
        tags.put("vm2ami:source-bucket", s.bucket());
        tags.put("vm2ami:source-key", s.key());
        if (s.versionId() != null && !"null".equals(s.versionId())) tags.put("vm2ami:source-version-id", s.versionId());
        if (s.etag() != null) tags.put("vm2ami:source-etag", s.etag());
        tags.put("vm2ami:import-task-id", job.importTaskId());
        tags.put("vm2ami:execution", job.executionName());
        tags.put("vm2ami:pipeline-version", pipelineVersion);
        if (job.image() != null && job.image().format() != null) tags.put("vm2ami:format", job.image().format());
        if (job.image() != null && job.image().team() != null) tags.put("vm2ami:team", job.image().team());
        tags.replaceAll((k, v) -> v == null ? "" : v.length() <= 256 ? v : v.substring(0, 256));
        return tags;
    }
}
