package dev.vm2ami.convert;

import dev.vm2ami.config.Clients;
import software.amazon.awssdk.services.s3.S3Client;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.JobHandler;

/** The Lambda engine of the Convert step: the job's planned conversion, in this function (same code as the batch job's). */
public final class ConvertImageHandler extends JobHandler {
    private final ConvertStep step;

    public ConvertImageHandler() {
        this(new ConvertStep(new ImageConversion(Clients.sync(S3Client.builder()))));
        primeBeforeSnapshot(this::handle);
    }

    public ConvertImageHandler(ConvertStep step) {
        this.step = step;
    }

    @Override
    public ImportJob handle(ImportJob job) {
        return step.run(job);
    }
}
