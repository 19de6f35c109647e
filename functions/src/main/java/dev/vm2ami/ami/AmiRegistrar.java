package dev.vm2ami.ami;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.AmiDecision;
import dev.vm2ami.job.ImportJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The snapshot path's AMI: RegisterImage from the snapshot ImportSnapshot made, with what the
 * inspection found (architecture, boot mode) and what EC2 needs of a cloud-ready image (hvm, ENA,
 * SR-IOV; IMDSv2 and NitroTPM where the image asks for them). Unlike ImportImage's AMI it is
 * registered under its readable name at once, so nothing is copied and nothing retired; the finish
 * step then waits for it and tags its snapshot, as on the image path.
 */
public final class AmiRegistrar {
    private static final Logger LOG = LoggerFactory.getLogger(AmiRegistrar.class);
    /** The root device of the AMIs vm2ami registers (what Amazon's own Linux AMIs use, on Xen and Nitro alike). */
    static final String ROOT_DEVICE = "/dev/xvda";

    private final Images images;
    private final PipelineSettings settings;
    private final Clock clock;

    public AmiRegistrar(Images images, PipelineSettings settings, Clock clock) {
        this.images = images;
        this.settings = settings;
        this.clock = clock;
    }

    public ImportJob register(ImportJob job) {
        if (job.ami() != null && job.ami().imageId() != null) return job; // registered by an earlier run of this step
        String snapshot = job.task().snapshotIds().stream().findFirst().orElseThrow(() ->
                new IllegalStateException("import task " + job.importTaskId() + " completed without a snapshot"));
        String wanted = AmiFinisher.wantedName(job, settings, clock);
        String name = wanted;
        Optional<String> imageId = registerOrFind(job, name, snapshot);
        if (imageId.isEmpty()) {
            name = AmiNames.withSuffix(wanted, job.executionName().substring(job.executionName().length() - 8));
            LOG.info("an AMI named '{}' exists; naming this one '{}'", wanted, name);
            imageId = registerOrFind(job, name, snapshot);
        }
        String id = imageId.orElseThrow(() -> new IllegalStateException("AMI names '" + wanted + "' and its suffixed form are taken"));
        LOG.info("registered {} '{}' from snapshot {}", id, name, snapshot);
        return job.withAmi(new ImportJob.AmiResult(id, name, images.region(), List.of(snapshot), null, AmiDecision.WAIT,
                Math.max(1, job.timing().minPollSeconds())));
    }

    /**
     * RegisterImage under this name; when the name is taken by the AMI of this very snapshot (a retried step whose
     * first run registered it), that AMI; when by another, empty.
     */
    private Optional<String> registerOrFind(ImportJob job, String name, String snapshot) {
        try {
            return Optional.of(images.register(registration(job, name, snapshot)));
        } catch (Images.DuplicateNameException e) {
            return images.findByName(name).filter(i -> i.snapshotIds().contains(snapshot)).map(ImageView::imageId);
        }
    }

    /** The distribution option imdsSupport, given to RegisterImage itself on this path (v2.0 or none). */
    private static String imdsSupport(ImportJob.ImageOptions o) {
        String imds = o == null || o.distribution() == null ? null : o.distribution().imdsSupport();
        return imds == null || imds.isBlank() ? null : imds;
    }

    Images.Registration registration(ImportJob job, String name, String snapshot) {
        ImportJob.ImageOptions o = job.image();
        ImportJob.Inspection i = job.inspection();
        String architecture = o != null && o.architecture() != null ? o.architecture()
                : i != null && i.os() != null ? i.os().architecture() : "x86_64";
        String bootMode = o != null && o.bootMode() != null ? o.bootMode() : i != null ? i.bootMode() : null;
        String description = "vm2ami: s3://" + job.source().bucket() + "/" + job.source().key();
        if (description.length() > 255) description = description.substring(0, 255);
        return new Images.Registration(name, description, architecture, bootMode, ROOT_DEVICE, snapshot,
                imdsSupport(o), o == null ? null : o.tpmSupport(),
                AmiFinisher.provenanceTags(job, name, settings.pipelineVersion()));
    }
}
