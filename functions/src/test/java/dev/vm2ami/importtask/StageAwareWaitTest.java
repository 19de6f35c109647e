package dev.vm2ami.importtask;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.ImportJob;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class StageAwareWaitTest {
    final TaskTracker tracker = new TaskTracker(ImportStages.measured(), new Random(1));
    final PipelineSettings.Timing aws = PipelineSettings.Timing.aws();
    final Instant now = Instant.parse("2026-11-23T10:00:00Z");

    ImportJob.TaskStatus inStage(String stage, long secondsIn) {
        return new ImportJob.TaskStatus("import-ami-1", "active", stage, 10, null, List.of(),
                List.of(new ImportJob.StageSeen(stage, now.minusSeconds(secondsIn).toString(), 10)), now.toString(),
                "WAIT", 0, null, null, 1, 0);
    }

    int wait(String stage, long secondsIn) {
        return tracker.waitSeconds(inStage(stage, secondsIn), ImportStages.measured().find(stage), now, aws);
    }

    @Test
    void looksRarelyEarlyInTheImport() {
        assertThat(wait("converting", 0)).isEqualTo(aws.pollSeconds());
    }

    @Test
    void looksOftenWhenTheImportIsExpectedToCompleteSoon() {
        assertThat(wait("preparing ami", 280)).isEqualTo(aws.minPollSeconds());
    }

    @Test
    void backsOffWhenAStageRunsLongerThanMeasured() {
        assertThat(wait("preparing ami", 400)).isEqualTo(100); // a quarter of the time spent in the stage
        assertThat(wait("preparing ami", 2000)).isEqualTo(aws.pollSeconds());
    }

    @Test
    void neverWaitsLessThanTheMinimumNorMoreThanTheMaximum() {
        for (ImportStages.Stage s : ImportStages.measured().all()) {
            for (long in = 0; in < 4000; in += 37) {
                assertThat(wait(s.name(), in)).isBetween(aws.minPollSeconds(), aws.pollSeconds());
            }
        }
        assertThat(tracker.waitSeconds(inStage("a stage AWS added", 0), Optional.empty(), now, aws))
                .isBetween(aws.minPollSeconds(), aws.pollSeconds());
    }
}
