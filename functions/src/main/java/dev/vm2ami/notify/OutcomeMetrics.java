package dev.vm2ami.notify;

import dev.vm2ami.importtask.ImportStages;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.wiring.MetricNames;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the end of one image tells about the pipeline: its outcome (failures by category), how long
 * it took, each import stage's duration, attempts and quota waits. Computed from the job, emitted
 * by the notify step.
 */
public final class OutcomeMetrics {
    private OutcomeMetrics() {}

    /** One value; {@code dimension} null for the default ({@code Service}) dimension. */
    public record Point(String name, double value, MetricUnit unit, String dimension, String dimensionValue) {
        static Point of(String name, double value, MetricUnit unit) {
            return new Point(name, value, unit, null, null);
        }
    }

    public static List<Point> of(ImportJob job, Instant now) {
        List<Point> out = new ArrayList<>();
        String status = job.notification() == null ? null : job.notification().status();
        if (NotificationComposer.SUCCEEDED.equals(status)) {
            out.add(Point.of(MetricNames.IMAGES_SUCCEEDED, 1, MetricUnit.COUNT));
        } else if (NotificationComposer.REJECTED.equals(status)) {
            out.add(Point.of(MetricNames.IMAGES_REJECTED, 1, MetricUnit.COUNT));
        } else if (job.failure() != null) {
            out.add(new Point(MetricNames.IMAGES_FAILED, 1, MetricUnit.COUNT, MetricNames.CATEGORY, job.failure().category().name()));
        }
        if (NotificationComposer.REJECTED.equals(status)) return out; // no import: nothing more to measure
        if (job.receivedAt() != null) {
            out.add(Point.of(MetricNames.IMPORT_DURATION, seconds(Instant.parse(job.receivedAt()), now), MetricUnit.SECONDS));
        }
        if (!job.attempts().isEmpty()) out.add(Point.of(MetricNames.IMPORT_ATTEMPTS, job.attempts().size(), MetricUnit.COUNT));
        if (job.submission() != null) out.add(Point.of(MetricNames.QUOTA_WAITS, job.submission().quotaWaits(), MetricUnit.COUNT));
        if (job.task() != null) {
            List<ImportJob.StageSeen> stages = job.task().stages();
            // A stage lasted from when it was first seen to when the next one was (the check step's view); only the
            // model's stages, not EC2's error messages, which the timeline also records.
            for (int i = 0; i + 1 < stages.size(); i++) {
                String stage = stages.get(i).stage();
                if (ImportStages.measured().find(stage).isEmpty()) continue;
                double s = seconds(Instant.parse(stages.get(i).firstSeenAt()), Instant.parse(stages.get(i + 1).firstSeenAt()));
                if (s >= 0) {
                    out.add(new Point(MetricNames.STAGE_DURATION, s, MetricUnit.SECONDS, MetricNames.STAGE, MetricNames.stageDimension(stage)));
                }
            }
        }
        return out;
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
