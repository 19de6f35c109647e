package dev.vm2ami.convert;

import dev.vm2ami.config.ConversionSettings;
import dev.vm2ami.image.container.DiskFormat;
import dev.vm2ami.image.convert.Target;
import dev.vm2ami.image.verdict.InspectionReport;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Sha256;
import dev.vm2ami.wiring.PipelineFunction;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans the conversion of an image the pre-flight found convertible: where the converted object goes
 * ({@code convertedPrefix + key + ".vmdk"}, in the import bucket) and which engine converts it.
 * <p>
 * The engine is chosen by the bytes the converter has to handle: of a qcow2, VDI or sparse VMDK, its
 * object (the allocated clusters; holes are neither stored nor read); of a compressed image, its
 * decompressed size where the header says it, else its object. At most {@code conversionLambdaMaxBytes}
 * goes to Lambda, unless a compressed qcow2, VDI or VMDK would not fit Lambda's temporary space (it is
 * decompressed there first); everything else to AWS Batch.
 */
public final class ConversionPlanner {
    /** What a conversion in Lambda may decompress into /tmp: its ephemeral storage less room for the runtime. */
    public static final long LAMBDA_TEMP_BYTES = (PipelineFunction.CONVERT_EPHEMERAL_STORAGE_MB - 512L) << 20;
    private static final int MAX_KEY_BYTES = 1024;

    private final ConversionSettings settings;

    public ConversionPlanner(ConversionSettings settings) {
        this.settings = settings;
    }

    /**
     * @param source the uploaded object, with its size from HeadObject
     * @param report the pre-flight's report (verdict CONVERT: a conversion plan)
     */
    public ImportJob.Conversion plan(ImportJob.SourceObject source, InspectionReport report) {
        InspectionReport.ConversionPlan plan = report.conversion()
                .orElseThrow(() -> new IllegalArgumentException("no conversion planned for " + source.key()));
        long objectSize = source.size() == null ? 0 : source.size();
        long virtual = report.virtualSize();
        long work = plan.compressed() ? Math.max(objectSize, virtual) : objectSize;
        boolean viaTemp = plan.compressed() && report.format() != DiskFormat.RAW;
        boolean lambda = work <= settings.lambdaMaxBytes() && (!viaTemp || virtual <= LAMBDA_TEMP_BYTES);
        Target target = Target.VMDK;
        String key = convertedKey(source.key(), target);
        return new ImportJob.Conversion(plan.from(), plan.to(), target.extension(),
                lambda ? ImportJob.Conversion.LAMBDA : ImportJob.Conversion.BATCH, source.bucket(), key, work,
                command(source, key, target), null, null, null, null, null, null, null);
    }

    /** {@code converted/images/web.qcow2.vmdk}; a key too long for S3 that way is named by its digest. */
    String convertedKey(String key, Target target) {
        String converted = settings.convertedPrefix() + key + "." + target.extension();
        if (converted.getBytes(StandardCharsets.UTF_8).length <= MAX_KEY_BYTES) return converted;
        return settings.convertedPrefix() + Sha256.hex(key) + "." + target.extension();
    }

    /** The converter's arguments ({@link ConvertMain}): what the batch job runs, and what the Lambda engine runs in-process. */
    static List<String> command(ImportJob.SourceObject source, String key, Target target) {
        List<String> args = new ArrayList<>(List.of("--from", "s3://" + source.bucket() + "/" + source.key(),
                "--to", "s3://" + source.bucket() + "/" + key, "--format", target.extension()));
        String version = source.versionId();
        if (version != null && !version.isBlank() && !"null".equals(version)) {
            args.add("--source-version");
            args.add(version);
        }
        return args;
    }
}
