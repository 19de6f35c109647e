package dev.vm2ami.distribute;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.vm2ami.config.Clients;
import dev.vm2ami.job.JobHandler;
import dev.vm2ami.priming.Primed;
import dev.vm2ami.priming.Primer;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Json;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * One step of one region's copy, for an iteration of the state machine's Map: takes {@code {job, copy}}
 * and returns them with the copy updated (the job is passed through unchanged).
 */
public final class CopyRegionHandler implements RequestStreamHandler, Primed {
    /** What a Map iteration carries. */
    public record Iteration(ImportJob job, ImportJob.RegionCopy copy) {}

    private final RegionCopier copier;
    private Primer primer; // CRaC holds resources weakly

    public CopyRegionHandler() {
        this(new RegionCopier(Regions.images(), new SsmParameters(Regions.ssm()), Clients.region()));
        primer = Primer.register(getClass().getSimpleName(), () -> {
            Iteration canned = new Iteration(JobHandler.primingJob(),
                    new ImportJob.RegionCopy("eu-west-1", null, ImportJob.RegionCopy.PENDING, null, 0));
            Iteration in = Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(canned), Iteration.class);
            Json.MAPPER.writeValueAsBytes(new Iteration(in.job(), copier.step(in.job(), in.copy())));
        });
    }

    @Override
    public Optional<Primer> primer() {
        return Optional.ofNullable(primer);
    }

    public CopyRegionHandler(RegionCopier copier) {
        this.copier = copier;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Iteration in = Json.MAPPER.readValue(input, Iteration.class);
        Iteration out = PowertoolsLogging.withLogging(context, () -> {
            MDC.put("executionName", String.valueOf(in.job().executionName()));
            MDC.put("objectKey", String.valueOf(in.job().source().key()));
            MDC.put("region", String.valueOf(in.copy().region()));
            try {
                return new Iteration(in.job(), copier.step(in.job(), in.copy()));
            } finally {
                MDC.clear();
            }
        });
        Json.MAPPER.writeValue(output, out);
    }
}
