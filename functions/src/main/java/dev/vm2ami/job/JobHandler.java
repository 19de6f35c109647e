package dev.vm2ami.job;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.vm2ami.priming.Primed;
import dev.vm2ami.priming.Primer;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Base of the state machine's Lambda handlers: reads the job, runs one step with structured
 * logging (the object key, execution name and import task id on every line), writes the job back.
 * Streams rather than the runtime's POJO mapping, so absent values stay absent in the state.
 * A handler built for Lambda primes its step for SnapStart on a canned job ({@link #primeBeforeSnapshot}).
 */
public abstract class JobHandler implements RequestStreamHandler, Primed {
    /** The canned job that priming runs each step on: an accepted VMDK whose import was submitted. */
    static final String PRIMING_JOB = "priming-job.json";

    private Primer primer; // CRaC holds resources weakly

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ImportJob job = Json.MAPPER.readValue(input, ImportJob.class);
        ImportJob result = PowertoolsLogging.withLogging(context, () -> {
            put("objectKey", job.source() == null ? null : job.source().key());
            put("executionName", job.executionName());
            put("importTaskId", job.importTaskId());
            try {
                return handle(job);
            } finally {
                MDC.clear();
            }
        });
        try {
            Json.MAPPER.writeValue(output, result);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the job of " + job.executionName(), e);
        }
    }

    private static void put(String key, String value) {
        if (value != null) MDC.put(key, value);
    }

    /**
     * Registers this handler's SnapStart priming: the job mapping (read and write) and {@code step}
     * on the canned job, with every AWS call answered inside the process. Called by the public
     * no-argument constructors, which build the real clients; {@code step} is the domain call of
     * {@link #handle} without its metrics (a priming must not publish any).
     */
    protected final void primeBeforeSnapshot(UnaryOperator<ImportJob> step) {
        primer = Primer.register(getClass().getSimpleName(), () -> {
            ImportJob job = primingJob();
            Json.MAPPER.writeValueAsBytes(job);
            Json.MAPPER.writeValueAsBytes(step.apply(job));
        });
    }

    /** The canned job priming runs on (read with the pipeline's mapping): an accepted VMDK whose import was submitted. */
    public static ImportJob primingJob() throws IOException {
        try (InputStream in = JobHandler.class.getResourceAsStream(PRIMING_JOB)) {
            if (in == null) throw new IOException("the canned job " + PRIMING_JOB + " is not in the artifact");
            return Json.MAPPER.readValue(in, ImportJob.class);
        }
    }

    @Override
    public final Optional<Primer> primer() {
        return Optional.ofNullable(primer);
    }

    /** One step of the import: the job as it arrived, the job as the next state should see it. */
    public abstract ImportJob handle(ImportJob job);
}
