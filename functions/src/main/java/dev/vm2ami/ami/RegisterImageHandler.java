package dev.vm2ami.ami;

import dev.vm2ami.config.Clients;
import software.amazon.awssdk.services.ec2.Ec2Client;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.JobHandler;

import java.time.Clock;

/** The snapshot path's register step: RegisterImage from the imported snapshot. */
public final class RegisterImageHandler extends JobHandler {
    private final AmiRegistrar registrar;

    public RegisterImageHandler() {
        this(new AmiRegistrar(new Ec2Images(Clients.sync(Ec2Client.builder())), PipelineSettings.fromEnvironment(System.getenv()), Clock.systemUTC()));
        primeBeforeSnapshot(job -> handle(job.withAmi(null))); // the canned job's AMI is the finished one
    }

    public RegisterImageHandler(AmiRegistrar registrar) {
        this.registrar = registrar;
    }

    @Override
    public ImportJob handle(ImportJob job) {
        return registrar.register(job);
    }
}
