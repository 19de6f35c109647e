package dev.vm2ami.intake;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.vm2ami.config.Clients;
import dev.vm2ami.config.ConversionSettings;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.wiring.EnvKeys;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import software.amazon.lambda.powertools.metrics.Metrics;
import dev.vm2ami.config.PipelineMetrics;

import java.time.Clock;

/** The start function: S3 event notifications from the intake queue -> one execution per image object version. */
public final class StartImportHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final ImportStarter starter;
    private final Metrics metrics;

    public StartImportHandler() {
        this(new ImportStarter(new SfnExecutionStarter(Clients.sfn(), System.getenv(EnvKeys.STATE_MACHINE_ARN)),
                PipelineSettings.fromEnvironment(System.getenv()), ConversionSettings.fromEnvironment(System.getenv()),
                PipelineMetrics.instance(), Clock.systemUTC()),
                PipelineMetrics.instance());
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
