package dev.vm2ami.job;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Base of the state machine's Lambda handlers: reads the job, runs one step with structured
 * logging (the object key, execution name and import task id on every line), writes the job back.
 * Streams rather than the runtime's POJO mapping, so absent values stay absent in the state.
 */
public abstract class JobHandler implements RequestStreamHandler {

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

    /** One step of the import: the job as it arrived, the job as the next state should see it. */
    public abstract ImportJob handle(ImportJob job);
}
