package dev.vm2ami.inspect;

import dev.vm2ami.config.Clients;
import dev.vm2ami.config.ConversionSettings;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.image.verdict.ImageInspector;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.JobHandler;
import software.amazon.awssdk.services.s3.S3Client;

/** The inspect step: pre-flight verdict on the S3 object, by ranged GETs, plus the image's options. */
public final class InspectImageHandler extends JobHandler {
    private final PreflightCheck check;

    public InspectImageHandler() {
        this(Clients.s3(), PipelineSettings.fromEnvironment(System.getenv()), ConversionSettings.fromEnvironment(System.getenv()));
    }

    public InspectImageHandler(S3Client s3, PipelineSettings settings) {
        this(s3, settings, ConversionSettings.defaults());
    }

    public InspectImageHandler(S3Client s3, PipelineSettings settings, ConversionSettings conversion) {
        this.check = new PreflightCheck(new S3ImageObjects(s3), settings, conversion, new ImageInspector());
    }

    @Override
    public ImportJob handle(ImportJob job) {
        return check.run(job);
    }
}
