package dev.vm2ami.importtask;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.TaskDecision;
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

    /** A task in {@code stage} at {@code progress}, which started {@code secondsAgo} ago. */
    ImportJob.TaskStatus task(String stage, int progress, long secondsAgo) {
        return new ImportJob.TaskStatus("import-ami-1", "active", stage, progress, null, List.of(),
                List.of(new ImportJob.StageSeen("pending", now.minusSeconds(secondsAgo).toString(), 0),
                        new ImportJob.StageSeen(stage, now.toString(), progress)), now.toString(), TaskDecision.WAIT, 0, null, null, 1, 0);
    }

    int wait(String stage, int progress, long secondsAgo) {
        return tracker.waitSeconds(task(stage, progress, secondsAgo), ImportStages.measured().find(stage), now, aws);
    }

    /** Seconds since the start at which the model puts this stage and progress. */
    static long model(String stage, int progress) {
        return Math.round(ImportStages.measured().modelSecondsAt(ImportStages.measured().find(stage).orElseThrow(), progress));
    }

    @Test
    void looksRarelyEarlyInTheImport() {
        assertThat(wait("converting", 10, model("converting", 10))).isEqualTo(aws.pollSeconds());
    }

    @Test
    void looksOftenWhenTheImportIsExpectedToCompleteSoon() {
        assertThat(wait("preparing ami", 95, model("preparing ami", 95))).isEqualTo(aws.minPollSeconds());
    }

    @Test
    void looksEveryTwoMinimumPollsOnceTheExpectedEndHasPassed() {
        assertThat(wait("preparing ami", 99, 3 * ImportStages.measured().totalSeconds())).isEqualTo(2 * aws.minPollSeconds());
    }

    @Test
    void anImportRunningAtHalfThePaceOfTheModelIsExpectedToFinishLater() {
        long at = model("preparing ami", 85); // the model expects about 4 minutes left from here

        int onTime = wait("preparing ami", 85, at);
        int halfPace = wait("preparing ami", 85, 2 * at);

        assertThat(onTime).isEqualTo(aws.minPollSeconds());
        assertThat(halfPace).isEqualTo(aws.pollSeconds());
    }

    @Test
    void neverWaitsLessThanTheMinimumNorMoreThanTheMaximum() {
        for (ImportStages.Stage s : ImportStages.measured().all()) {
            for (long ago = 0; ago < 8000; ago += 37) {
                assertThat(wait(s.name(), s.progressFrom(), ago)).isBetween(aws.minPollSeconds(), aws.pollSeconds());
            }
        }
        assertThat(tracker.waitSeconds(task("a stage AWS added", 5, 10), Optional.empty(), now, aws))
                .isBetween(aws.minPollSeconds(), aws.pollSeconds());
    }
}
