package dev.vm2ami.ami;

import dev.vm2ami.config.Clients;
import software.amazon.awssdk.services.ec2.Ec2Client;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.JobHandler;

import java.time.Clock;

/** The finish step: one named, tagged AMI per image; the import-ami intermediate retired. */
public final class FinishImageHandler extends JobHandler {
    private final AmiFinisher finisher;

    public FinishImageHandler() {
        this(new AmiFinisher(new Ec2Images(Clients.sync(Ec2Client.builder())), PipelineSettings.fromEnvironment(System.getenv()), Clock.systemUTC()));
        primeBeforeSnapshot(this::handle);
    }

    public FinishImageHandler(AmiFinisher finisher) {
        this.finisher = finisher;
    }

    @Override
    public ImportJob handle(ImportJob job) {
        return finisher.finish(job);
    }
}
