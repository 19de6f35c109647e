package dev.vm2ami.distribute;

import dev.vm2ami.config.DistributionOptions;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.PermissionDenied;
import dev.vm2ami.job.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * One region's copy of the AMI, one step at a time (the state machine waits between calls, one Map
 * iteration per region): CopyImage with a ClientToken and the home AMI's tags, then, once the copy
 * is available, the same attributes as at home (shares, deprecation, IMDSv2, SSM parameter). What EC2
 * refuses fails this region only: the copy comes back FAILED with EC2's words, the other regions and
 * the AMI at home are unaffected. Throttling and 5xx are thrown as transient (the state machine retries).
 */
public final class RegionCopier {
    private static final Logger LOG = LoggerFactory.getLogger(RegionCopier.class);

    private final Function<String, RegionalImages> images;
    private final Parameters parameters;
    private final String homeRegion;

    public RegionCopier(Function<String, RegionalImages> images, Parameters parameters, String homeRegion) {
        this.images = images;
        this.parameters = parameters;
        this.homeRegion = homeRegion;
    }

    public ImportJob.RegionCopy step(ImportJob job, ImportJob.RegionCopy copy) {
        try {
            return copy.imageId() == null ? start(job, copy) : settle(job, copy);
        } catch (RegionalImages.CopyRefused | PermissionDenied e) {
            LOG.warn("the copy to {} failed: {}", copy.region(), e.getMessage());
            return new ImportJob.RegionCopy(copy.region(), copy.imageId(), ImportJob.RegionCopy.FAILED, e.getMessage(), 0);
        }
    }

    private ImportJob.RegionCopy start(ImportJob job, ImportJob.RegionCopy copy) {
        ImportJob.AmiResult ami = job.ami();
        RegionalImages home = images.apply(homeRegion);
        RegionalImages there = images.apply(copy.region());
        DistributionOptions options = job.image().distribution();
        String key = options.regionKmsKeys().getOrDefault(copy.region(), "");
        String description = ("vm2ami: s3://" + job.source().bucket() + "/" + job.source().key());
        if (description.length() > 255) description = description.substring(0, 255);
        String imageId = there.copyFrom(homeRegion, ami.imageId(), ami.imageName(), description, key, token(job, copy.region()));
        // The copy carries the home AMI's tags (name, provenance, the image's own), before anything else:
        // the role may change attributes only of images tagged as vm2ami's.
        var tags = home.describe(ami.imageId()).map(RegionalImages.AmiView::tags).orElseThrow(() ->
                new IllegalStateException("the AMI " + ami.imageId() + " has disappeared from " + homeRegion));
        there.tag(java.util.List.of(imageId), tags);
        LOG.info("copying {} to {} as {}{}", ami.imageId(), copy.region(), imageId, key.isEmpty() ? "" : " encrypted with " + key);
        return new ImportJob.RegionCopy(copy.region(), imageId, ImportJob.RegionCopy.PENDING, null,
                Math.max(1, job.timing().minPollSeconds()));
    }

    private ImportJob.RegionCopy settle(ImportJob job, ImportJob.RegionCopy copy) {
        RegionalImages there = images.apply(copy.region());
        var found = there.describe(copy.imageId());
        if (found.isEmpty()) {
            return failed(copy, "the copy " + copy.imageId() + " in " + copy.region() + " has disappeared");
        }
        RegionalImages.AmiView view = found.get();
        switch (view.state()) {
            case "available" -> {
                if (!view.snapshotIds().isEmpty()) there.tag(view.snapshotIds(), view.tags());
                ImportJob.Distribution d = job.distribution();
                Distributor.apply(there, parameters, view.imageId(), view.snapshotIds(), job.image().distribution(),
                        d.deprecationTime(), d.ssmParameter());
                LOG.info("the copy {} in {} is available", view.imageId(), copy.region());
                return new ImportJob.RegionCopy(copy.region(), view.imageId(), ImportJob.RegionCopy.AVAILABLE, null, 0);
            }
            case "pending" -> {
                int wait = Math.min(job.timing().pollSeconds(),
                        Math.max(job.timing().minPollSeconds(), copy.nextCheckSeconds() * 2));
                return new ImportJob.RegionCopy(copy.region(), copy.imageId(), ImportJob.RegionCopy.PENDING, null, wait);
            }
            default -> {
                return failed(copy, "the copy " + copy.imageId() + " in " + copy.region() + " is " + view.state()
                        + (view.stateReason() == null ? "" : ": " + view.stateReason()));
            }
        }
    }

    private static ImportJob.RegionCopy failed(ImportJob.RegionCopy copy, String message) {
        LOG.warn(message);
        return new ImportJob.RegionCopy(copy.region(), copy.imageId(), ImportJob.RegionCopy.FAILED, message, 0);
    }

    /** The same for every run of this region's copy in this execution: a retried step gets the first copy back. */
    static String token(ImportJob job, String region) {
        return Sha256.hex(job.executionName() + "|" + region + "|" + job.ami().imageId()).substring(0, 64);
    }
}
