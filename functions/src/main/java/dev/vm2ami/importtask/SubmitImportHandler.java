package dev.vm2ami.importtask;

import dev.vm2ami.config.Clients;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ec2.Ec2Client;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.JobHandler;
import dev.vm2ami.wiring.EnvKeys;

import java.security.SecureRandom;
import java.time.Clock;

/** The submit step: ImportImage for the current attempt, or "wait" while the import quota is exhausted. */
public final class SubmitImportHandler extends JobHandler {
    private final ImportSubmitter submitter;

    public SubmitImportHandler() {
        this(new ImportSubmitter(new Ec2ImportService(Clients.sync(Ec2Client.builder())), new S3SourceObjects(Clients.sync(S3Client.builder())),
                PipelineSettings.fromEnvironment(System.getenv()),
                System.getenv(EnvKeys.STATE_MACHINE_ARN), new Backoff(new SecureRandom()), Clock.systemUTC()));
        primeBeforeSnapshot(this::handle);
    }

    public SubmitImportHandler(ImportSubmitter submitter) {
        this.submitter = submitter;
    }

    @Override
    public ImportJob handle(ImportJob job) {
        return submitter.submit(job);
    }
}
