package dev.vm2ami.notify;

import dev.vm2ami.config.PipelineMetrics;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.JobHandler;
import dev.vm2ami.wiring.MetricNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;

import java.time.Clock;
import java.time.Instant;

/** The notify step: composes the terminal notification (the state machine publishes it) and measures the image's way ({@link OutcomeMetrics}). */
public final class ComposeNotificationHandler extends JobHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ComposeNotificationHandler.class);

    private final NotificationComposer composer;
    private final Metrics metrics;
    private final Clock clock;

    public ComposeNotificationHandler() {
        this(new NotificationComposer(), PipelineMetrics.instance(), Clock.systemUTC());
        primeBeforeSnapshot(job -> composer.compose(job, clock.instant()));
    }

    public ComposeNotificationHandler(NotificationComposer composer, Metrics metrics, Clock clock) {
        this.composer = composer;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public ImportJob handle(ImportJob job) {
        Instant now = clock.instant();
        ImportJob composed = composer.compose(job, now);
        ImportJob.Notification n = composed.notification();
        try {
            for (OutcomeMetrics.Point p : OutcomeMetrics.of(composed, now)) {
                if (p.dimension() == null) {
                    metrics.addMetric(p.name(), p.value(), p.unit());
                } else {
                    metrics.flushSingleMetric(p.name(), p.value(), p.unit(), MetricNames.NAMESPACE,
                            DimensionSet.of(p.dimension(), p.dimensionValue()));
                }
            }
            metrics.flush();
        } catch (RuntimeException e) {
            // The image's one notification matters more than its metrics.
            LOG.warn("metrics of {} not written: {}", composed.executionName(), e.getMessage());
        }
        if (NotificationComposer.FAILED.equals(n.status())) {
            LOG.warn("{} ({}): {}", n.subject(), composed.failure().category(), composed.failure().message());
        } else {
            LOG.info(n.subject());
        }
        return composed;
    }
}
