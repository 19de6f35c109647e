package dev.vm2ami.notify;

import dev.vm2ami.job.FailureCategory;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.TaskDecision;
import dev.vm2ami.testing.Fixtures;
import dev.vm2ami.wiring.MetricNames;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutcomeMetricsTest {
    final NotificationComposer composer = new NotificationComposer();
    final Instant now = Instant.parse("2026-11-23T10:31:40Z");
    final ImportJob afterSubmit = Fixtures.job("events/jobs/after-submit.json");

    ImportJob imported(List<ImportJob.StageSeen> stages) {
        ImportJob.TaskStatus t = afterSubmit.task();
        return afterSubmit.withTask(new ImportJob.TaskStatus(t.importTaskId(), "completed", null, 100, "ami-0intermediate",
                List.of(), stages, t.lastChangeAt(), TaskDecision.FINISH, 0, null, null, 9, 0));
    }

    @Test
    void aSuccessCountsItsDurationAttemptsQuotaWaitsAndEachStagesDuration() {
        ImportJob job = composer.compose(imported(List.of(
                new ImportJob.StageSeen("pending", "2026-11-23T10:00:35Z", 2),
                new ImportJob.StageSeen("converting", "2026-11-23T10:03:35Z", 12),
                new ImportJob.StageSeen("booting", "2026-11-23T10:20:05Z", 55),
                new ImportJob.StageSeen("preparing ami", "2026-11-23T10:25:05Z", 85),
                new ImportJob.StageSeen("completed", "2026-11-23T10:31:00Z", 100)))
                .withAmi(new ImportJob.AmiResult("ami-0named", "web-01-20261123-100000", "us-east-1", List.of("snap-0new"),
                        "ami-0intermediate", dev.vm2ami.job.AmiDecision.DONE, 0)), now);

        List<OutcomeMetrics.Point> points = OutcomeMetrics.of(job, now);

        assertThat(points).contains(
                new OutcomeMetrics.Point(MetricNames.IMAGES_SUCCEEDED, 1, MetricUnit.COUNT, null, null),
                new OutcomeMetrics.Point(MetricNames.IMPORT_DURATION, 31 * 60 + 40, MetricUnit.SECONDS, null, null),
                new OutcomeMetrics.Point(MetricNames.IMPORT_ATTEMPTS, 1, MetricUnit.COUNT, null, null),
                new OutcomeMetrics.Point(MetricNames.QUOTA_WAITS, 0, MetricUnit.COUNT, null, null));
        assertThat(points).filteredOn(p -> p.name().equals(MetricNames.STAGE_DURATION))
                .extracting(OutcomeMetrics.Point::dimensionValue, OutcomeMetrics.Point::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("pending", 180.0),
                        org.assertj.core.groups.Tuple.tuple("converting", 990.0),
                        org.assertj.core.groups.Tuple.tuple("booting", 300.0),
                        org.assertj.core.groups.Tuple.tuple("preparing-ami", 355.0));
        assertThat(points).noneMatch(p -> p.name().equals(MetricNames.IMAGES_FAILED));
        // Powertools refuses dimension values with whitespace: every one is checked here as it would be there.
        assertThat(points).filteredOn(p -> p.dimensionValue() != null).allSatisfy(p ->
                software.amazon.lambda.powertools.metrics.model.DimensionSet.of(p.dimension(), p.dimensionValue()));
    }

    @Test
    void aFailureIsCountedByItsCategory() {
        ImportJob failed = imported(List.of()).withFailure(new ImportJob.Failure(FailureCategory.PERMISSIONS, "denied", "fix it", null));
        List<OutcomeMetrics.Point> points = OutcomeMetrics.of(composer.compose(failed, now), now);

        assertThat(points).contains(new OutcomeMetrics.Point(MetricNames.IMAGES_FAILED, 1, MetricUnit.COUNT,
                MetricNames.CATEGORY, "PERMISSIONS"));
        assertThat(points).noneMatch(p -> p.name().equals(MetricNames.IMAGES_SUCCEEDED));
    }

    @Test
    void aRejectionIsCountedAndNothingElseForNoImportWasStarted() {
        ImportJob job = composer.compose(Fixtures.job("events/jobs/rejected.json"), now);
        assertThat(OutcomeMetrics.of(job, now)).containsExactly(
                new OutcomeMetrics.Point(MetricNames.IMAGES_REJECTED, 1, MetricUnit.COUNT, null, null));
    }
}
