package dev.vm2ami.inspect;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.Severity;
import dev.vm2ami.image.os.OsFacts;
import dev.vm2ami.image.read.ByteRangeReader;
import dev.vm2ami.image.verdict.BootMode;
import dev.vm2ami.image.verdict.ImageInspector;
import dev.vm2ami.image.verdict.ImportPath;
import dev.vm2ami.image.verdict.ImportPaths;
import dev.vm2ami.image.verdict.InspectionReport;
import dev.vm2ami.image.verdict.InspectionRequest;
import dev.vm2ami.image.verdict.Verdict;
import dev.vm2ami.job.ImportJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pipeline's pre-flight step on an S3 object ({@link ImageObjects}): finds the object version,
 * reads its options (sidecar manifest, metadata, defaults), and inspects its bytes by ranged reads.
 * The boot mode, platform and architecture the inspection finds go into the import's options where
 * the image's owner set none.
 * A REJECT verdict ends the execution with a REJECTED notification and no ImportImage call.
 */
public final class PreflightCheck {
    private static final Logger LOG = LoggerFactory.getLogger(PreflightCheck.class);

    private final ImageObjects objects;
    private final ImageInspector inspector;
    private final ImageOptionsResolver options;

    public PreflightCheck(ImageObjects objects, PipelineSettings settings, ImageInspector inspector) {
        this.objects = objects;
        this.inspector = inspector;
        this.options = new ImageOptionsResolver(settings);
    }

    public ImportJob run(ImportJob job) {
        ImportJob.SourceObject source = job.source();
        Optional<ImageObjects.Head> head = objects.head(source);
        if (head.isEmpty()) {
            return rejected(job, "UNKNOWN", new Finding(Severity.ERROR, "OBJECT_NOT_FOUND",
                    "The object s3://" + source.bucket() + "/" + source.key() + " is gone: it was deleted or overwritten before it could be imported.",
                    "Upload the image again."));
        }

        ByteRangeReader reader = objects.reader(source, head.get().size());
        String manifestKey = source.key() + ImageOptionsResolver.MANIFEST_SUFFIX;
        ImageOptionsResolver.Resolved resolved;
        try {
            resolved = options.resolve("UNKNOWN", head.get().metadata(), objects.manifest(source.bucket(), manifestKey));
        } catch (ImageObjects.ManifestTooLarge e) {
            resolved = options.invalid("UNKNOWN", e.getMessage());
        }
        // The resolver has validated the boot mode; invalid options leave it unset and reject the image below.
        BootMode bootMode = BootMode.parse(resolved.options().bootMode()).orElse(null);
        InspectionReport report = inspector.inspect(reader, new InspectionRequest(source.key(), bootMode, objects.extents(source)));
        List<Finding> findings = new ArrayList<>(report.findings());
        Verdict verdict = report.verdict();
        if (verdict == Verdict.CONVERT) {
            // The state machine has no Convert step yet (issue 13): say what would be converted and how to convert it by hand.
            findings.add(FindingCode.CONVERSION_NOT_DEPLOYED.finding(report.conversion().map(c -> c.from()).orElse(report.format().name())));
            verdict = Verdict.REJECT;
        }
        if (resolved.problem().isPresent()) {
            findings.add(new Finding(Severity.ERROR, "INVALID_OPTIONS", "The image's options are invalid: " + resolved.problem().get(),
                    "Fix the sidecar manifest (" + manifestKey + ") or the x-amz-meta-vm2ami-* metadata, then upload the image again."));
            verdict = Verdict.REJECT;
        }
        String format = report.format().name();
        ImportJob.ImageOptions o = resolved.options();
        // What the image says of itself replaces guessing; what its owner said (manifest, metadata, stack) wins.
        Optional<OsFacts> os = report.os();
        String detectedMode = report.bootMode().map(BootMode::value).orElse(null);
        // The path: ImportImage, or ImportSnapshot + RegisterImage for a cloud-ready image ImportImage would refuse.
        ImportPaths.Decision path = ImportPaths.decide(o.importMode(), findings, os, o.bootMode() != null ? o.bootMode() : detectedMode);
        findings = new ArrayList<>(path.findings());
        if (path.path() == ImportPath.SNAPSHOT) {
            // The state machine's snapshot path (ImportSnapshot + RegisterImage) is not wired yet: say so instead of
            // handing ImportImage an image it refuses.
            findings.add(new Finding(Severity.ERROR, "SNAPSHOT_PATH_NOT_DEPLOYED", "The image takes the snapshot path "
                    + "(ImportSnapshot and RegisterImage), which this pipeline does not run yet.",
                    "Import it by hand: aws ec2 import-snapshot, then aws ec2 register-image with its architecture and boot mode."));
        }
        verdict = InspectionReport.verdictOf(findings);
        ImportJob.ImageOptions withFound = new ImportJob.ImageOptions(format, o.team(), o.licenseType(),
                o.bootMode() != null ? o.bootMode() : detectedMode, o.description(),
                o.platform() != null ? o.platform() : os.map(PreflightCheck::platform).orElse(null),
                o.architecture() != null ? o.architecture() : os.map(OsFacts::architecture).filter(IMPORT_ARCHITECTURES::contains).orElse(null),
                o.usageOperation(), o.amiName(), o.tags(), o.distribution(), o.importMode(), o.tpmSupport());
        LOG.info("pre-flight verdict {} for a {} image ({}), {} path (importMode {}): {} findings, {} bytes in {} reads", verdict,
                format, os.map(f -> f.distribution() + " " + f.version() + " " + f.architecture()).orElse("no OS found"),
                path.path().value(), o.importMode(), findings.size(), report.bytesRead(), report.rangeRequests());
        return job.withImage(withFound).withInspection(new ImportJob.Inspection(verdict, format, findings,
                report.partitions(), report.bytesRead(), report.rangeRequests(), os.orElse(null), detectedMode, path.path(),
                path.cloudReady()));
    }

    /** ImportImage's Architecture values. */
    private static final Set<String> IMPORT_ARCHITECTURES = Set.of("x86_64", "i386", "arm64");

    /** ImportImage's Platform for the OS found: Linux or Windows. */
    private static String platform(OsFacts os) {
        return os.linux() ? "Linux" : "Windows";
    }

    private static ImportJob rejected(ImportJob job, String format, Finding finding) {
        return job.withInspection(new ImportJob.Inspection(Verdict.REJECT, format, List.of(finding), List.of(), 0, 0, null, null, null, false))
                .withImage(new ImportJob.ImageOptions(format, null, null, null, null, null, null, null, null, Map.of(), null, null, null));
    }
}
