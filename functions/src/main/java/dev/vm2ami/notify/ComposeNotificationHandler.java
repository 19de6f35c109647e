package dev.vm2ami.notify;

import dev.vm2ami.config.PipelineMetrics;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.JobHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import java.time.Clock;

/** The notify step: composes the terminal notification (the state machine publishes it) and counts the outcome. */
public final class ComposeNotificationHandler extends JobHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ComposeNotificationHandler.class);

    private final NotificationComposer composer;
    private final Metrics metrics;
    private final Clock clock;

    public ComposeNotificationHandler() {
        this(new NotificationComposer(), PipelineMetrics.instance(), Clock.systemUTC());
    }

    public ComposeNotificationHandler(NotificationComposer composer, Metrics metrics, Clock clock) {
        this.composer = composer;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public ImportJob handle(ImportJob job) {
        ImportJob composed = composer.compose(job, clock.instant());
        ImportJob.Notification n = composed.notification();
        try {
            switch (n.status()) {
                case NotificationComposer.SUCCEEDED -> metrics.addMetric("ImagesSucceeded", 1, MetricUnit.COUNT);
                case NotificationComposer.REJECTED -> metrics.addMetric("ImagesRejected", 1, MetricUnit.COUNT);
                default -> metrics.flushSingleMetric("ImagesFailed", 1, MetricUnit.COUNT, "vm2ami",
                        DimensionSet.of("Category", composed.failure().category().name()));
            }
        } finally {
            metrics.flush();
        }
        if (NotificationComposer.FAILED.equals(n.status())) {
            LOG.warn("{} ({}): {}", n.subject(), composed.failure().category(), composed.failure().message());
        } else {
            LOG.info(n.subject());
        }
        return composed;
    }
}
