package dev.vm2ami.importtask;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.FailureCategory;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.TaskDecision;
import dev.vm2ami.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The check step against DescribeImportImageTasks responses as AWS gives them (events/describe-import-image-tasks). */
class CheckImportHandlerTest {
    static final String DIR = "events/describe-import-image-tasks/";
    final ImportJob afterSubmit = Fixtures.job("events/jobs/after-submit.json");
    final Deque<Object> answers = new ArrayDeque<>();

    final ImportService imports = new ImportService() {
        @Override
        public String startImport(ImportRequest request) {
            throw new AssertionError("the check step never starts imports");
        }

        @Override
        public String startSnapshotImport(ImportRequest request) {
            throw new AssertionError("the check step never starts imports");
        }

        @Override
        public Optional<ImportTaskView> describe(String importTaskId) {
            Object next = answers.removeFirst();
            if (next instanceof ImportApiException e) throw e;
            @SuppressWarnings("unchecked") Optional<ImportTaskView> view = (Optional<ImportTaskView>) next;
            return view;
        }

        @Override
        public List<ImportTaskView> active() {
            return List.of();
        }

        @Override
        public void cancel(String importTaskId, String reason) {
            throw new AssertionError("not used");
        }
    };

    final List<StageChange> published = new java.util.ArrayList<>();

    CheckImportHandler at(String instant) {
        return new CheckImportHandler(imports, new TaskTracker(ImportStages.measured(), new Random(7)), published::add,
                Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
    }

    void answer(String fixture) {
        answers.add(Optional.of(Fixtures.describedTask(DIR + fixture + ".json")));
    }

    /** The fixture's job with these options and inspection facts. */
    static ImportJob withPath(ImportJob job, String importMode, boolean cloudReady) {
        com.fasterxml.jackson.databind.node.ObjectNode tree = dev.vm2ami.job.Json.MAPPER.valueToTree(job);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.path("image")).put("importMode", importMode);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.path("inspection")).put("cloudReady", cloudReady);
        try {
            return dev.vm2ami.job.Json.MAPPER.treeToValue(tree, ImportJob.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A job following an ImportSnapshot task. */
    ImportJob snapshotJob() {
        ImportJob.TaskStatus t = afterSubmit.task();
        return afterSubmit.withSubmission(afterSubmit.submission().withImportPath(dev.vm2ami.image.verdict.ImportPath.SNAPSHOT))
                .withAttempts(List.of(new ImportJob.Attempt(1, "import-snap-0c1", "2026-11-23T10:00:05Z", null, null, null)))
                .withTask(new ImportJob.TaskStatus("import-snap-0c1", "active", null, null, null, List.of(), List.of(),
                        t.lastChangeAt(), TaskDecision.WAIT, 30, null, null, 0, 0));
    }

    void answerSnapshot(String status, String message, Integer progress, String snapshotId) {
        answers.add(Optional.of(new ImportTaskView("import-snap-0c1", status, message, progress, null,
                snapshotId == null ? List.of() : List.of(snapshotId), Map.of())));
    }

    @Test
    void anUnknownOsFromImportImageIsRetriedOnceOnTheSnapshotPathForACloudReadyImage() {
        answer("deleted-unknown-os");

        ImportJob next = at("2026-11-23T10:20:00Z").handle(withPath(afterSubmit, "auto", true));

        assertThat(next.task().next()).isEqualTo(TaskDecision.RETRY);
        assertThat(next.failure()).isNull();
        assertThat(next.submission().importPath()).isEqualTo(dev.vm2ami.image.verdict.ImportPath.SNAPSHOT);
        assertThat(next.attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo("CLIENT_ERROR"));
    }

    @Test
    void anUnknownOsFailsAtOnceWhenTheImageAskedForImportImageOrIsNotCloudReady() {
        answer("deleted-unknown-os");
        answer("deleted-unknown-os");

        ImportJob image = at("2026-11-23T10:20:00Z").handle(withPath(afterSubmit, "image", true));
        ImportJob notReady = at("2026-11-23T10:20:00Z").handle(withPath(afterSubmit, "auto", false));

        assertThat(image.task().next()).isEqualTo(TaskDecision.FAIL);
        assertThat(image.failure().category()).isEqualTo(FailureCategory.CLIENT_ERROR);
        assertThat(notReady.task().next()).isEqualTo(TaskDecision.FAIL);
    }

    @Test
    void aSnapshotTaskIsFollowedThroughItsOwnStagesToItsSnapshot() {
        answerSnapshot("active", "downloading/converting", 22, null);
        answerSnapshot("completed", "completed", null, "snap-0imported");

        ImportJob first = at("2026-11-23T10:02:00Z").handle(snapshotJob());
        ImportJob done = at("2026-11-23T10:12:00Z").handle(first);

        assertThat(first.task().next()).isEqualTo(TaskDecision.WAIT);
        assertThat(first.task().nextCheckSeconds()).isBetween(15, 120);
        assertThat(done.task().next()).isEqualTo(TaskDecision.FINISH);
        assertThat(done.task().snapshotIds()).containsExactly("snap-0imported");
        assertThat(done.attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo("COMPLETED"));
    }

    @Test
    void aSnapshotTaskThatSticksIsCancelledAsStuckByTheSameRules() {
        answerSnapshot("active", "downloading/converting", 40, null);
        answerSnapshot("active", "downloading/converting", 40, null);

        ImportJob first = at("2026-11-23T10:02:00Z").handle(snapshotJob());
        ImportJob stuck = at("2026-11-23T11:02:01Z").handle(first);

        assertThat(stuck.task().next()).isEqualTo(TaskDecision.CANCEL);
        assertThat(stuck.task().cancelReason()).isEqualTo("STUCK");
    }

    @Test
    void anActiveTaskIsWaitedForAndItsStagesAreRecordedWhenFirstSeen() {
        answer("active-pending");
        answer("active-converting");
        answer("active-converting");

        ImportJob first = at("2026-11-23T10:00:35Z").handle(afterSubmit);
        ImportJob second = at("2026-11-23T10:03:00Z").handle(first);
        ImportJob third = at("2026-11-23T10:05:00Z").handle(second);

        assertThat(third.task().next()).isEqualTo(TaskDecision.WAIT);
        assertThat(third.task().stages()).extracting(ImportJob.StageSeen::stage).containsExactly("pending", "converting");
        assertThat(third.task().stages().get(1).firstSeenAt()).isEqualTo("2026-11-23T10:03:00Z");
        assertThat(third.task().lastChangeAt()).isEqualTo("2026-11-23T10:03:00Z");
        assertThat(third.task().checks()).isEqualTo(3);
        assertThat(third.task().nextCheckSeconds()).isBetween(15, 120);
    }

    @Test
    void eachStageChangeIsPublishedOnceWithTheStagesNoLookSaw() {
        answer("active-pending");
        answer("active-pending");
        answer("active-converting");
        answer("completed");

        ImportJob job = afterSubmit;
        for (String at : List.of("2026-11-23T10:00:35Z", "2026-11-23T10:01:35Z", "2026-11-23T10:03:00Z", "2026-11-23T10:31:00Z")) {
            job = at(at).handle(job);
        }

        assertThat(published).extracting(StageChange::stage).containsExactly("pending", "converting", "completed");
        assertThat(published).extracting(StageChange::previousStage).containsExactly(null, "pending", "converting");
        assertThat(published.get(1).skippedStages()).containsExactly("validating", "validated");
        assertThat(published.get(2).skippedStages()).containsExactly("updating", "updated", "preparing to boot", "booting",
                "booted", "preparing ami");
        StageChange converting = published.get(1);
        assertThat(converting.key()).isEqualTo("disks/web-01.vmdk");
        assertThat(converting.executionName()).isEqualTo("web-01-vmdk-2f0c6a1e9b7d4c3a5e8f1d2c");
        assertThat(converting.importTaskId()).isEqualTo("import-ami-0a1b2c3d4e5f67890");
        assertThat(converting.attempt()).isEqualTo(1);
        assertThat(converting.decision()).isEqualTo("WAIT");
        assertThat(converting.observedAt()).isEqualTo("2026-11-23T10:03:00Z");
        assertThat(converting.etaSeconds()).as("from the stage model at this import's pace").isPositive();
        assertThat(published.get(2).decision()).isEqualTo("FINISH");
        assertThat(published.get(2).etaSeconds()).isZero();
    }

    @Test
    void aThrottledLookPublishesNothing() {
        answers.add(new ImportApiException("RequestLimitExceeded", "Request limit exceeded.", 503, null));
        at("2026-11-23T10:00:35Z").handle(afterSubmit);
        assertThat(published).isEmpty();
    }

    @Test
    void aCompletedTaskGoesOnToFinishWithItsImageAndSnapshot() {
        answer("completed");

        ImportJob job = at("2026-11-23T10:31:00Z").handle(afterSubmit);

        assertThat(job.task().next()).isEqualTo(TaskDecision.FINISH);
        assertThat(job.task().imageId()).isEqualTo("ami-0fedcba9876543210");
        assertThat(job.task().snapshotIds()).containsExactly("snap-0123456789abcdef0");
        assertThat(job.attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo("COMPLETED"));
    }

    @Test
    void unknownOsIsAClientErrorWithAHintAndIsNotRetried() {
        answer("deleted-unknown-os");

        ImportJob job = at("2026-11-23T10:20:00Z").handle(afterSubmit);

        assertThat(job.task().next()).isEqualTo(TaskDecision.FAIL);
        assertThat(job.failure().category()).isEqualTo(FailureCategory.CLIENT_ERROR);
        assertThat(job.failure().awsMessage()).isEqualTo("ClientError: Unknown OS / Missing OS files.");
        assertThat(job.failure().hint()).contains("supported 64-bit OS");
    }

    @Test
    void aServerErrorIsRetriedWhileAttemptsAreLeft() {
        answer("deleted-server-error");

        ImportJob job = at("2026-11-23T10:20:00Z").handle(afterSubmit);

        assertThat(job.task().next()).isEqualTo(TaskDecision.RETRY);
        assertThat(job.failure()).isNull();
        assertThat(job.attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo("SERVER_ERROR"));
    }

    @Test
    void aServerErrorOnTheLastAttemptFailsAndListsEveryAttempt() {
        answer("deleted-server-error");
        ImportJob.Submission s = afterSubmit.submission();
        ImportJob third = afterSubmit.withSubmission(new ImportJob.Submission(3, s.clientToken(), true, 0, 0, s.firstTriedAt(),
                s.submittedAt(), s.importTaskId(), null)).withAttempts(List.of(
                new ImportJob.Attempt(1, "import-ami-01", "2026-11-23T09:00:00Z", "2026-11-23T09:10:00Z", "SERVER_ERROR", "ServerError: x"),
                new ImportJob.Attempt(2, "import-ami-02", "2026-11-23T09:12:00Z", "2026-11-23T09:20:00Z", "SERVER_ERROR", "ServerError: x"),
                new ImportJob.Attempt(3, s.importTaskId(), s.submittedAt(), null, null, null)));

        ImportJob job = at("2026-11-23T10:20:00Z").handle(third);

        assertThat(job.task().next()).isEqualTo(TaskDecision.FAIL);
        assertThat(job.failure().category()).isEqualTo(FailureCategory.SERVER_ERROR);
        assertThat(job.failure().message()).contains("3 attempts").contains("import-ami-01").contains("import-ami-02");
    }

    @Test
    void aServerErrorWhileStillActiveIsCancelled() {
        answer("active-server-error");

        ImportJob job = at("2026-11-23T10:10:00Z").handle(afterSubmit);

        assertThat(job.task().next()).isEqualTo(TaskDecision.CANCEL);
        assertThat(job.task().cancelReason()).isEqualTo("SERVER_ERROR");
    }

    @Test
    void aTaskWithoutProgressForLongerThanItsStagesThresholdIsCancelledAsStuckThenRetried() {
        answer("active-booting");
        answer("active-booting");
        answer("deleting-cancelled");
        answer("deleted-server-error");

        ImportJob seen = at("2026-11-23T10:10:00Z").handle(afterSubmit);
        int threshold = new TaskTracker(ImportStages.measured(), new Random()).stallThreshold("booting", afterSubmit.timing());
        ImportJob later = at(Instant.parse("2026-11-23T10:10:00Z").plusSeconds(threshold + 1).toString()).handle(seen);
        ImportJob deleting = at(Instant.parse("2026-11-23T10:10:00Z").plusSeconds(threshold + 30).toString()).handle(later);
        ImportJob deleted = at(Instant.parse("2026-11-23T10:10:00Z").plusSeconds(threshold + 60).toString()).handle(deleting);

        assertThat(threshold).isEqualTo(3600);
        assertThat(later.task().next()).isEqualTo(TaskDecision.CANCEL);
        assertThat(later.task().cancelReason()).isEqualTo("STUCK");
        assertThat(deleting.task().next()).isEqualTo(TaskDecision.WAIT);
        assertThat(deleted.task().next()).isEqualTo(TaskDecision.RETRY);
        assertThat(deleted.attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo("STUCK"));
    }

    @Test
    void configuredStallThresholdsWinOverTheMeasuredDefaults() {
        PipelineSettings.Timing t = afterSubmit.timing();
        PipelineSettings.Timing custom = new PipelineSettings.Timing(t.timeScale(), t.pollSeconds(), t.minPollSeconds(),
                t.deadlineSeconds(), t.maxAttempts(), Map.of("booting", 600, "*", 7200), t.quotaBackoffSeconds(),
                t.quotaBackoffMaxSeconds(), t.retryBackoffSeconds());
        TaskTracker tracker = new TaskTracker(ImportStages.measured(), new Random());

        assertThat(tracker.stallThreshold("booting", custom)).isEqualTo(600);
        assertThat(tracker.stallThreshold("converting", custom)).isEqualTo(7200);
    }

    @Test
    void aTaskStillActiveAtTheDeadlineIsCancelledAndEndsAsTimeout() {
        answer("active-converting");
        answer("deleted-server-error");
        Instant deadline = Instant.parse(afterSubmit.attempts().get(0).submittedAt()).plusSeconds(afterSubmit.timing().deadlineSeconds());

        ImportJob overdue = at(deadline.plusSeconds(1).toString()).handle(afterSubmit);
        ImportJob ended = at(deadline.plusSeconds(60).toString()).handle(overdue);

        assertThat(overdue.task().next()).isEqualTo(TaskDecision.CANCEL);
        assertThat(overdue.task().cancelReason()).isEqualTo("TIMEOUT");
        assertThat(ended.task().next()).isEqualTo(TaskDecision.FAIL);
        assertThat(ended.failure().category()).isEqualTo(FailureCategory.TIMEOUT);
    }

    @Test
    void throttlingOfDescribeIsAbsorbedAndNeverAFailure() {
        for (int i = 0; i < 5; i++) answers.add(new ImportApiException("RequestLimitExceeded", "Request limit exceeded.", 503, null));
        answer("completed");

        ImportJob job = afterSubmit;
        for (int i = 0; i < 5; i++) {
            job = at("2026-11-23T10:1" + i + ":00Z").handle(job);
            assertThat(job.task().next()).isEqualTo(TaskDecision.WAIT);
            assertThat(job.task().nextCheckSeconds()).isBetween(15, 120);
            assertThat(job.failure()).isNull();
        }
        job = at("2026-11-23T10:30:00Z").handle(job);

        assertThat(job.task().throttledChecks()).isEqualTo(5);
        assertThat(job.task().next()).isEqualTo(TaskDecision.FINISH);
    }

    @Test
    void aTaskEc2NoLongerKnowsEndsTheImportWithAnInternalFailure() {
        answers.add(Optional.empty());

        ImportJob job = at("2026-11-23T10:20:00Z").handle(afterSubmit);

        assertThat(job.task().next()).isEqualTo(TaskDecision.FAIL);
        assertThat(job.failure().category()).isEqualTo(FailureCategory.INTERNAL);
        assertThat(job.failure().message()).contains("import-ami-0a1b2c3d4e5f67890");
    }
}
