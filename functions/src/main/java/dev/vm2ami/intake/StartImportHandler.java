package dev.vm2ami.intake;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.vm2ami.config.Clients;
import software.amazon.awssdk.services.sfn.SfnClient;
import dev.vm2ami.config.ConversionSettings;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.priming.Primed;
import dev.vm2ami.priming.Primer;
import dev.vm2ami.wiring.EnvKeys;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import dev.vm2ami.config.PipelineMetrics;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** The start function: S3 event notifications from the intake queue -> one execution per image object version. */
public final class StartImportHandler implements RequestHandler<SQSEvent, SQSBatchResponse>, Primed {
    private final ImportStarter starter;
    private final Metrics metrics;
    private Primer primer; // CRaC holds resources weakly

    public StartImportHandler() {
        this(new ImportStarter(new SfnExecutionStarter(Clients.sync(SfnClient.builder()), System.getenv(EnvKeys.STATE_MACHINE_ARN)),
                PipelineSettings.fromEnvironment(System.getenv()), ConversionSettings.fromEnvironment(System.getenv()),
                PipelineMetrics.instance(), Clock.systemUTC()),
                PipelineMetrics.instance());
        // The starter on a canned event; its StartExecution is answered inside the process, so no
        // execution starts and no metric is added (they count started and duplicate images only).
        primer = Primer.register(getClass().getSimpleName(), () -> starter.startAll(primingEvent(
                PipelineSettings.fromEnvironment(System.getenv()).imagePrefix() + "vm2ami-priming.vmdk")));
    }

    @Override
    public Optional<Primer> primer() {
        return Optional.ofNullable(primer);
    }

    /** An intake queue message holding an S3 ObjectCreated notification for {@code key}. */
    static SQSEvent primingEvent(String key) {
        String body = "{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\",\"awsRegion\":\"us-east-1\","
                + "\"eventTime\":\"2026-01-01T00:00:00.000Z\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"s3SchemaVersion\":\"1.0\","
                + "\"bucket\":{\"name\":\"vm2ami-priming\",\"arn\":\"arn:aws:s3:::vm2ami-priming\"},"
                + "\"object\":{\"key\":\"" + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8) + "\",\"size\":1048576,"
                + "\"eTag\":\"9ff5c202c4e63af42697e75c709edb59\",\"sequencer\":\"0055AED6DCD90281E5\"}}}]}";
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("vm2ami-priming");
        message.setBody(body);
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        return event;
    }

    public StartImportHandler(ImportStarter starter, Metrics metrics) {
        this.starter = starter;
        this.metrics = metrics;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        try {
            return PowertoolsLogging.withLogging(context, () -> starter.startAll(event));
        } finally {
            metrics.flush();
        }
    }
}
