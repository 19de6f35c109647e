package dev.vm2ami.distribute;

import dev.vm2ami.config.Clients;
import software.amazon.awssdk.services.s3.S3Client;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.JobHandler;

import java.time.Clock;

/** The distribute step: shares, deprecates, requires IMDSv2 and publishes the AMI at home; then disposes of the source. */
public final class DistributeHandler extends JobHandler {
    private final Distributor distributor;

    public DistributeHandler() {
        this(new Distributor(Regions.images(), new SsmParameters(Regions.ssm()), new S3SourceVersions(Clients.sync(S3Client.builder())),
                Clients.region(), Clock.systemUTC()));
        primeBeforeSnapshot(this::handle);
    }

    public DistributeHandler(Distributor distributor) {
        this.distributor = distributor;
    }

    @Override
    public ImportJob handle(ImportJob job) {
        return distributor.handle(job);
    }
}
