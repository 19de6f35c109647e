package dev.vm2ami.inspect;

import dev.vm2ami.config.ConversionSettings;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.convert.ConversionPlanner;
import dev.vm2ami.convert.ImageConversion;
import dev.vm2ami.image.container.ExtentFiles;
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
 * A REJECT verdict ends the execution with a REJECTED notification and no ImportImage call. A CONVERT
 * verdict plans the conversion ({@link ConversionPlanner}: where to, which engine); after the Convert
 * step the same check inspects the converted object (with its OS) before it is imported.
 */
public final class PreflightCheck {
    private static final Logger LOG = LoggerFactory.getLogger(PreflightCheck.class);

    private final ImageObjects objects;
    private final ImageInspector inspector;
    private final ImageOptionsResolver options;
    private final ConversionPlanner planner;

    public PreflightCheck(ImageObjects objects, PipelineSettings settings, ImageInspector inspector) {
        this(objects, settings, ConversionSettings.defaults(), inspector);
    }

    public PreflightCheck(ImageObjects objects, PipelineSettings settings, ConversionSettings conversion, ImageInspector inspector) {
        this.objects = objects;
        this.inspector = inspector;
        this.options = new ImageOptionsResolver(settings);
        this.planner = new ConversionPlanner(conversion);
    }

    public ImportJob run(ImportJob job) {
        if (job.conversion() != null) return inspectConverted(job);
        ImportJob.SourceObject source = job.source();
        Optional<ImageObjects.Head> head = objects.head(source);
        if (head.isEmpty()) {
            return rejected(job, "UNKNOWN", FindingCode.OBJECT_NOT_FOUND.finding("s3://" + source.bucket() + "/" + source.key()));
        }

        ByteRangeReader reader = objects.reader(source, head.get().size());
        String manifestKey = source.key() + ImageOptionsResolver.MANIFEST_SUFFIX;
        ImageOptionsResolver.Resolved resolved;
        try {
            resolved = options.resolve("UNKNOWN", head.get().metadata(), objects.manifest(source.bucket(), manifestKey));
        } catch (ImageObjects.ManifestTooLarge e) {
            // The metadata's team still hears of it.
            String team = options.resolve("UNKNOWN", head.get().metadata(), Optional.empty()).options().team();
            resolved = options.invalid("UNKNOWN", e.getMessage(), team);
        }
        // The resolver has validated the boot mode; invalid options leave it unset and reject the image below.
        BootMode bootMode = BootMode.parse(resolved.options().bootMode()).orElse(null);
        InspectionReport report = inspector.inspect(reader, new InspectionRequest(source.key(), bootMode, objects.extents(source)));
        List<Finding> findings = new ArrayList<>(report.findings());
        String format = report.format().name();
        Verdict verdict = report.verdict();
        if (resolved.problem().isPresent()) {
            findings.add(FindingCode.INVALID_OPTIONS.finding(resolved.problem().get(), manifestKey));
            verdict = Verdict.REJECT;
        }
        ImportJob.ImageOptions o = resolved.options();
        // What the image says of itself replaces guessing; what its owner said (manifest, metadata, stack) wins.
        Optional<OsFacts> os = report.os();
        String detectedMode = report.bootMode().map(BootMode::value).orElse(null);
        // The path: ImportImage, or ImportSnapshot + RegisterImage for a cloud-ready image ImportImage would refuse.
        ImportPaths.Decision path = ImportPaths.decide(o.importMode(), findings, os, o.bootMode() != null ? o.bootMode() : detectedMode);
        findings = new ArrayList<>(path.findings());
        String registeredMode = o.bootMode() != null ? o.bootMode() : detectedMode;
        if (path.path() == ImportPath.SNAPSHOT && o.tpmSupport() != null && !"uefi".equals(registeredMode)) {
            // RegisterImage refuses NitroTPM without UEFI: say so now, not after the import.
            findings.add(new Finding(Severity.ERROR, "INVALID_OPTIONS", "The image's options are invalid: tpmSupport "
                    + o.tpmSupport() + " needs boot mode uefi, and the image boots with " + registeredMode + ".",
                    "Remove tpmSupport, or import a UEFI image (bootMode uefi, an EFI System Partition)."));
        }
        if (path.path() == ImportPath.SNAPSHOT && format.equals("OVA")) {
            // ImportSnapshot takes one disk (VHD, VHDX, VMDK, raw), not a VM package.
            findings.add(new Finding(Severity.ERROR, "SNAPSHOT_PATH_NOT_OVA", "The image takes the snapshot path "
                    + "(ImportSnapshot and RegisterImage), which imports one disk (VHD, VHDX, VMDK or raw), not an OVA.",
                    "Upload the OVA's boot disk (the stream-optimized VMDK inside it: tar -xf vm.ova) instead."));
        }
        // A convertible image stays CONVERT unless something is wrong with it.
        verdict = InspectionReport.verdictOf(findings, report.verdict() == Verdict.CONVERT);
        ImportJob.ImageOptions withFound = new ImportJob.ImageOptions(format, o.team(), o.licenseType(),
                o.bootMode() != null ? o.bootMode() : detectedMode, o.description(),
                o.platform() != null ? o.platform() : os.map(PreflightCheck::platform).orElse(null),
                o.architecture() != null ? o.architecture() : os.map(OsFacts::architecture).filter(IMPORT_ARCHITECTURES::contains).orElse(null),
                o.usageOperation(), o.amiName(), o.tags(), o.distribution(), o.importMode(), o.tpmSupport());
        LOG.info("pre-flight verdict {} for a {} image ({}), {} path (importMode {}): {} findings, {} bytes in {} reads", verdict,
                format, os.map(f -> f.distribution() + " " + f.version() + " " + f.architecture()).orElse("no OS found"),
                path.path().value(), o.importMode(), findings.size(), report.bytesRead(), report.rangeRequests());
        ImportJob inspected = job.withImage(withFound).withInspection(new ImportJob.Inspection(verdict, format, findings,
                report.partitions(), report.bytesRead(), report.rangeRequests(), os.orElse(null), detectedMode, path.path(),
                path.cloudReady()));
        if (verdict != Verdict.CONVERT) return inspected;
        ImportJob.SourceObject sized = new ImportJob.SourceObject(source.bucket(), source.key(), source.versionId(), source.etag(),
                head.get().size(), source.sequencer(), source.eventTime());
        ImportJob.Conversion plan = planner.plan(sized, report);
        LOG.info("converting {} ({}) to s3://{}/{} on the {} engine ({} bytes to convert)", source.key(), plan.from(), plan.bucket(),
                plan.key(), plan.engine(), plan.sizeBytes());
        return inspected.withConversion(plan);
    }

    /**
     * The converted object, inspected like any upload before it is imported (the OS inside included: of a
     * compressed image the first pass could read only the start). Its findings join those of the upload;
     * a batch job's figures are read from the converted object's tags.
     */
    private ImportJob inspectConverted(ImportJob job) {
        ImportJob.Conversion c = job.conversion();
        ImportJob.SourceObject where = new ImportJob.SourceObject(c.bucket(), c.key(), null, null, null, null, null);
        Optional<ImageObjects.Head> head = objects.head(where);
        ImportJob.Inspection first = job.inspection();
        if (head.isEmpty()) {
            List<Finding> findings = new ArrayList<>(first.findings());
            findings.add(new Finding(Severity.ERROR, "OBJECT_NOT_FOUND", "The converted image s3://" + c.bucket() + "/" + c.key()
                    + " is gone: it was deleted before it could be imported.", "Upload the image again."));
            return job.withInspection(new ImportJob.Inspection(Verdict.REJECT, first.format(), findings, first.partitions(),
                    first.bytesRead(), first.rangeRequests(), first.os(), first.bootMode(), first.importPath(), first.cloudReady()));
        }
        ImageObjects.Head h = head.get();
        ImportJob.SourceObject stored = new ImportJob.SourceObject(c.bucket(), c.key(), h.versionId(), h.etag(), h.size(), null, null);
        ImportJob.Conversion done = c.batchJob() != null ? c.onBatch() : c;
        if (!c.converted()) {
            Map<String, String> tags = objects.tags(stored);
            done = done.done(number(tags.get(ImageConversion.TAG_BYTES_READ)).longValue(), h.size(),
                    tags.containsKey(ImageConversion.TAG_SECONDS) ? number(tags.get(ImageConversion.TAG_SECONDS)).doubleValue() : batchSeconds(c));
        }
        done = done.stored(h.size(), h.versionId(), h.etag());

        BootMode bootMode = BootMode.parse(job.image().bootMode()).orElse(null);
        InspectionReport report = inspector.inspect(objects.reader(stored, h.size()), new InspectionRequest(c.key(), bootMode, ExtentFiles.NONE));
        List<Finding> findings = new ArrayList<>(first.findings());
        report.findings().stream().filter(f -> !findings.contains(f)).forEach(findings::add);
        if (report.verdict() == Verdict.CONVERT) {
            findings.add(new Finding(Severity.ERROR, "CONVERSION_INCOMPLETE", "The converted image s3://" + c.bucket() + "/" + c.key()
                    + " is not one EC2 imports (" + report.format() + ").", "Report this to the vm2ami maintainers, with the image's format."));
        }
        Verdict verdict = InspectionReport.verdictOf(findings);
        Optional<OsFacts> os = report.os();
        String detectedMode = report.bootMode().map(BootMode::value).orElse(null);
        ImportJob.ImageOptions o = job.image();
        ImportJob.ImageOptions withFound = new ImportJob.ImageOptions(o.format(), o.team(), o.licenseType(),
                o.bootMode() != null ? o.bootMode() : detectedMode, o.description(),
                o.platform() != null ? o.platform() : os.map(PreflightCheck::platform).orElse(null),
                o.architecture() != null ? o.architecture() : os.map(OsFacts::architecture).filter(IMPORT_ARCHITECTURES::contains).orElse(null),
                o.usageOperation(), o.amiName(), o.tags(), o.distribution(), o.importMode(), o.tpmSupport());
        LOG.info("verdict {} for the converted image s3://{}/{} ({}): {} findings", verdict, c.bucket(), c.key(),
                os.map(f -> f.distribution() + " " + f.version() + " " + f.architecture()).orElse("no OS found"), findings.size());
        return job.withImage(withFound).withConversion(done).withInspection(new ImportJob.Inspection(verdict, first.format(), findings,
                report.partitions(), first.bytesRead() + report.bytesRead(), first.rangeRequests() + report.rangeRequests(),
                os.orElse(first.os()), detectedMode != null ? detectedMode : first.bootMode(), first.importPath(), first.cloudReady()));
    }

    private static Number number(String text) {
        try {
            return text == null ? 0 : Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A batch job's run time, when the converted object lacks the converter's own figure. */
    private static double batchSeconds(ImportJob.Conversion c) {
        ImportJob.BatchJob b = c.batchJob();
        if (b == null || b.startedAt() == null || b.stoppedAt() == null) return 0;
        return Math.max(0, b.stoppedAt() - b.startedAt()) / 1000.0;
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
