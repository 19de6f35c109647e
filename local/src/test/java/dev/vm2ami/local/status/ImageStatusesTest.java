package dev.vm2ami.local.status;

import dev.vm2ami.importtask.ImportStages;
import dev.vm2ami.job.FailureCategory;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.TaskDecision;
import dev.vm2ami.job.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ImageStatusesTest {
    final ImageStatuses statuses = new ImageStatuses(ImportStages.measured());
    final ImportJob afterSubmit = job("events/jobs/after-submit.json");
    final Instant started = Instant.parse("2026-11-23T10:00:00Z");
    final ImageStatuses.Execution running = new ImageStatuses.Execution(afterSubmit.executionName(), "RUNNING", started, null);

    private static ImportJob job(String path) {
        try {
            return Json.MAPPER.readValue(java.nio.file.Path.of(path).toFile(), ImportJob.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ImportJob converting(int progress, Instant firstStageSeen) {
        ImportJob.TaskStatus t = afterSubmit.task();
        return afterSubmit.withTask(new ImportJob.TaskStatus(t.importTaskId(), "active", "converting", progress, null, List.of(),
                List.of(new ImportJob.StageSeen("pending", firstStageSeen.toString(), 0),
                        new ImportJob.StageSeen("converting", firstStageSeen.plusSeconds(300).toString(), 10)),
                firstStageSeen.plusSeconds(500).toString(), TaskDecision.WAIT, 120, null, null, 5, 0));
    }

    @Test
    void anImportTaskShowsItsStageProgressAndTheStageModelsEtaAtThePaceSoFar() {
        Instant firstSeen = Instant.parse("2026-11-23T10:00:10Z");
        ImageStatus s = statuses.of(running, converting(18, firstSeen), "WaitForImport", firstSeen.plusSeconds(600));

        assertThat(s.key()).isEqualTo("disks/web-01.vmdk");
        assertThat(s.status()).isEqualTo("RUNNING");
        assertThat(s.stage()).isEqualTo("converting");
        assertThat(s.progress()).isEqualTo(18);
        assertThat(s.attempts()).isEqualTo(1);
        assertThat(s.elapsedSeconds()).isEqualTo(610);
        // The model puts converting at 18% at 165 + 8/17 x 540 = 419 s of 1800 s; this import took 600 s to
        // get there (pace 1.43), so it is expected to take 1800 x 1.43 = 2577 s in all: 1977 s more.
        assertThat(s.etaSeconds()).isCloseTo(1977L, within(1L));
    }

    @Test
    void anImportSlowerThanTheModelGetsALaterEtaThanAFasterOne() {
        Instant firstSeen = Instant.parse("2026-11-23T10:00:10Z");
        long fast = statuses.of(running, converting(18, firstSeen), null, firstSeen.plusSeconds(300)).etaSeconds();
        long slow = statuses.of(running, converting(18, firstSeen), null, firstSeen.plusSeconds(1200)).etaSeconds();
        assertThat(slow).isGreaterThan(fast);
    }

    @Test
    void beforeTheImportTheEtaIsTheWholeModelAtTheJobsTimeScale() {
        ImportJob received = ImportJob.start(afterSubmit.executionName(), afterSubmit.receivedAt(), afterSubmit.source(), afterSubmit.timing());
        ImageStatus s = statuses.of(running, received, "Inspect", started.plusSeconds(2));
        assertThat(s.stage()).isEqualTo("inspecting");
        assertThat(s.progress()).isNull();
        assertThat(s.etaSeconds()).isEqualTo((long) ImportStages.measured().totalSeconds());
        assertThat(s.attempts()).isZero();
    }

    @Test
    void aConversionShowsItsEngineThenTheInspectionOfItsResult() {
        ImportJob received = ImportJob.start(afterSubmit.executionName(), afterSubmit.receivedAt(), afterSubmit.source(), afterSubmit.timing());
        ImportJob planned = received.withInspection(afterSubmit.inspection()).withConversion(new ImportJob.Conversion("qcow2 v3",
                "stream-optimized VMDK", "vmdk", ImportJob.Conversion.LAMBDA, "images", "converted/web.qcow2.vmdk", 5L << 30,
                List.of(), null, null, null, null, null, null, null));

        assertThat(statuses.of(running, planned, "ConvertInLambda", started.plusSeconds(5)).stage()).isEqualTo("converting in Lambda");
        assertThat(statuses.of(running, planned, "ConvertOnBatch", started.plusSeconds(5)).stage())
                .as("a conversion Lambda could not finish, redone on Batch").isEqualTo("converting on AWS Batch");
        ImageStatus inspecting = statuses.of(running, planned, "InspectConverted", started.plusSeconds(60));
        assertThat(inspecting.stage()).isEqualTo("inspecting the converted image");
        assertThat(inspecting.detail()).isEqualTo("converted/web.qcow2.vmdk");
    }

    @Test
    void aTaskTheCheckStepHasNotLookedAtYetIsSubmitted() {
        ImageStatus s = statuses.of(running, afterSubmit, "WaitForImport", started.plusSeconds(10));
        assertThat(s.stage()).isEqualTo("submitted");
        assertThat(s.detail()).isEqualTo("import-ami-0a1b2c3d4e5f67890");
    }

    @Test
    void anImageWaitingForTheImportQuotaSaysSo() {
        ImportJob.Submission sub = afterSubmit.submission();
        ImportJob waiting = afterSubmit.withTask(null).withSubmission(new ImportJob.Submission(1, sub.clientToken(), false, 3, 120,
                sub.firstTriedAt(), null, null, null));
        ImageStatus s = statuses.of(running, waiting, "WaitForQuota", started.plusSeconds(400));
        assertThat(s.stage()).isEqualTo("waiting for import quota");
        assertThat(s.detail()).isEqualTo("3 quota waits");
    }

    @Test
    void aFailedImageShowsItsCategoryAndNoEta() {
        ImportJob failed = converting(59, started).withFailure(new ImportJob.Failure(FailureCategory.STUCK, "stuck", "hint", null));
        ImageStatus s = statuses.of(new ImageStatuses.Execution(afterSubmit.executionName(), "FAILED", started,
                started.plusSeconds(7200)), failed, null, started.plusSeconds(9000));
        assertThat(s.status()).isEqualTo("FAILED");
        assertThat(s.stage()).isEqualTo("failed");
        assertThat(s.detail()).isEqualTo("STUCK");
        assertThat(s.progress()).isEqualTo(59);
        assertThat(s.etaSeconds()).isNull();
        assertThat(s.elapsedSeconds()).as("until the execution stopped").isEqualTo(7200);
    }

    @Test
    void theTableDrawsAProgressBarAndReadableDurations() {
        assertThat(StatusTable.bar(25)).isEqualTo("[#####---------------]  25%");
        assertThat(StatusTable.bar(null)).isEmpty();
        assertThat(StatusTable.duration(45)).isEqualTo("45s");
        assertThat(StatusTable.duration(187)).isEqualTo("3m 07s");
        assertThat(StatusTable.duration(7500)).isEqualTo("2h 05m");
        String table = StatusTable.render(List.of(new ImageStatus("disks/web-01.vmdk", "web-01", "RUNNING", "converting", 18, 1,
                started.toString(), 610, 1998L, "import-ami-0a1b")));
        assertThat(table.lines().toList().get(1)).startsWith("disks/web-01.vmdk").contains("converting").contains("[###-")
                .contains(" 18%").contains("10m 10s").contains("~33m 18s").endsWith("import-ami-0a1b");
    }
}
