package dev.vm2ami.distribute;

import dev.vm2ami.config.DistributionOptions;
import dev.vm2ami.job.ImportJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The distribution of an available AMI in its own region, and afterwards the source object's fate.
 * Called twice when the image has copies: first ({@link #distribute}) it shares, deprecates,
 * requires IMDSv2 and publishes the SSM parameter here and lists the copies (the state machine's Map
 * makes them, {@link RegionCopier}); then ({@link #dispose}) it keeps, tags or deletes the source.
 * Without copies both happen in the first call.
 */
public final class Distributor {
    private static final Logger LOG = LoggerFactory.getLogger(Distributor.class);
    /** The tag a disposition of {@code tag} puts on the source object version. */
    public static final String AMI_ID_TAG = "vm2ami:ami-id";

    private final Function<String, RegionalImages> images;
    private final Parameters parameters;
    private final SourceVersions sources;
    private final String homeRegion;
    private final Clock clock;

    public Distributor(Function<String, RegionalImages> images, Parameters parameters, SourceVersions sources,
                       String homeRegion, Clock clock) {
        this.images = images;
        this.parameters = parameters;
        this.sources = sources;
        this.homeRegion = homeRegion;
        this.clock = clock;
    }

    /** The first call shares and lists the copies; the second (after the copies) disposes of the source. */
    public ImportJob handle(ImportJob job) {
        return job.distribution() == null ? distribute(job) : dispose(job);
    }

    ImportJob distribute(ImportJob job) {
        DistributionOptions options = job.image().distribution();
        ImportJob.AmiResult ami = job.ami();
        String deprecation = options.deprecateAfterDays() == null ? null
                : clock.instant().plus(Duration.ofDays(options.deprecateAfterDays())).truncatedTo(ChronoUnit.MINUTES).toString();
        String ssm = options.ssmParameterFor(job.source().key());
        apply(images.apply(homeRegion), parameters, ami.imageId(), ami.snapshotIds(), options, deprecation, ssm);
        List<ImportJob.RegionCopy> copies = options.copyToRegions().stream().filter(r -> !r.equals(homeRegion))
                .map(r -> new ImportJob.RegionCopy(r, null, ImportJob.RegionCopy.PENDING, null, 0)).toList();
        ImportJob distributed = job.withDistribution(new ImportJob.Distribution(options.shareWith(), ssm.isEmpty() ? null : ssm,
                deprecation, options.imdsSupport().isEmpty() ? null : options.imdsSupport(), copies, null, null));
        LOG.info("distributed {} in {}: shared with {} accounts, {} organizations, {} OUs; {} copies to make",
                ami.imageId(), homeRegion, options.shareWith().accounts().size(), options.shareWith().organizationArns().size(),
                options.shareWith().organizationalUnitArns().size(), copies.size());
        return copies.isEmpty() ? dispose(distributed) : distributed;
    }

    /**
     * The AMI's attributes in one region: IMDSv2, deprecation, launch and volume permissions, the SSM
     * parameter. Every call is idempotent, so a retried step does it again safely.
     */
    static void apply(RegionalImages ec2, Parameters parameters, String imageId, List<String> snapshotIds,
                      DistributionOptions options, String deprecationTime, String ssmParameter) {
        if (DistributionOptions.IMDS_V2.equals(options.imdsSupport())) ec2.requireImdsV2(imageId);
        if (deprecationTime != null) ec2.deprecate(imageId, Instant.parse(deprecationTime));
        if (!options.shareWith().isEmpty()) ec2.share(imageId, options.shareWith());
        if (!options.shareWith().accounts().isEmpty()) {
            snapshotIds.forEach(snapshot -> ec2.shareSnapshot(snapshot, options.shareWith().accounts()));
        }
        if (ssmParameter != null && !ssmParameter.isEmpty()) parameters.putImageId(ec2.region(), ssmParameter, imageId);
    }

    /** After success only (the state machine comes here only with an available AMI): keep, tag or delete the source version. */
    ImportJob dispose(ImportJob job) {
        ImportJob.Distribution d = job.distribution();
        String asked = job.image().distribution().sourceDisposition();
        switch (asked) {
            case DistributionOptions.TAG -> {
                try {
                    sources.tag(job.source(), AMI_ID_TAG, job.ami().imageId());
                } catch (IllegalStateException e) {
                    // S3 refused (e.g. the object has S3's ten tags already): the AMI stands, the notification says why.
                    LOG.warn("the source was not tagged: {}", e.getMessage());
                    return job.withDistribution(d.withSource("kept", "not tagged: " + e.getMessage()));
                }
                LOG.info("tagged the source {}={}", AMI_ID_TAG, job.ami().imageId());
                return job.withDistribution(d.withSource("tagged", null));
            }
            case DistributionOptions.DELETE -> {
                List<String> failed = d.copies().stream().filter(c -> !ImportJob.RegionCopy.AVAILABLE.equals(c.status()))
                        .map(ImportJob.RegionCopy::region).toList();
                if (!failed.isEmpty()) {
                    String note = "kept: the copy to " + String.join(", ", failed) + " failed, and a new upload of the image "
                            + "may be needed for it; delete the object yourself once it is not";
                    LOG.info("source kept: {}", note);
                    return job.withDistribution(d.withSource("kept", note));
                }
                Optional<String> notDeleted = sources.delete(job.source());
                notDeleted.ifPresent(why -> LOG.info("source kept: {}", why));
                return job.withDistribution(notDeleted.map(why -> d.withSource("kept", why)).orElseGet(() -> d.withSource("deleted", null)));
            }
            default -> {
                return job.withDistribution(d.withSource("kept", null));
            }
        }
    }
}
