package dev.vm2ami.importtask;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.image.verdict.ImportPath;
import dev.vm2ami.job.FailureCategory;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.ImportJob.TaskStatus;
import dev.vm2ami.job.TaskDecision;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Decides, from one look at the import task, what the state machine does next: wait (and for how
 * long), finish, cancel a stuck, failing or overdue task, retry with a new task, or fail with a
 * category and a hint. Keeps the stage timeline (when each stage was first seen) on the way.
 */
public final class TaskTracker {

    /** Stall threshold of a stage: at least an hour, and six times its measured duration. */
    static final int STALL_FLOOR_SECONDS = 3600;
    static final int STALL_FACTOR = 6;

    private final ImportStages imageStages;
    private final ImportStages snapshotStages;
    private final RandomGenerator random;

    /** A tracker of ImportImage tasks with these stages (and ImportSnapshot tasks with the snapshot model). */
    public TaskTracker(ImportStages stages, RandomGenerator random) {
        this(stages, ImportStages.snapshot(), random);
    }

    /** One tracker for both kinds of task: the same stall, retry, quota and deadline rules over each kind's stages. */
    public TaskTracker(ImportStages imageStages, ImportStages snapshotStages, RandomGenerator random) {
        this.imageStages = imageStages;
        this.snapshotStages = snapshotStages;
        this.random = random;
    }

    private ImportStages stagesOf(String importTaskId) {
        return ImportPath.ofTaskId(importTaskId) == ImportPath.SNAPSHOT ? snapshotStages : imageStages;
    }

    /** The job after looking at its task; {@code view} is empty when EC2 no longer knows the task. */
    public ImportJob observe(ImportJob job, Optional<ImportTaskView> view, Instant now) {
        TaskStatus previous = job.task();
        String taskId = job.importTaskId();
        if (view.isEmpty()) {
            return fail(job, previous, now, FailureCatalog.decided(FailureCategory.INTERNAL,
                    "EC2 no longer knows import task " + taskId + " (tasks are visible for 7 days).", null));
        }
        ImportTaskView t = view.get();
        boolean changed = previous == null || !Objects.equals(previous.status(), t.status())
                || !Objects.equals(previous.statusMessage(), t.statusMessage())
                || !Objects.equals(previous.progress(), t.progress());
        String lastChangeAt = changed || previous.lastChangeAt() == null ? now.toString() : previous.lastChangeAt();
        List<ImportJob.StageSeen> timeline = new ArrayList<>(previous == null ? List.of() : previous.stages());
        if ("active".equals(t.status()) && t.statusMessage() != null
                && timeline.stream().noneMatch(s -> s.stage().equals(t.statusMessage()))) {
            timeline.add(new ImportJob.StageSeen(t.statusMessage(), now.toString(), t.progress()));
        }
        if ("completed".equals(t.status()) && timeline.stream().noneMatch(s -> s.stage().equals("completed"))) {
            timeline.add(new ImportJob.StageSeen("completed", now.toString(), 100));
        }
        String cancelReason = previous == null ? null : previous.cancelReason();
        String cancelledAt = previous == null ? null : previous.cancelledAt();
        int checks = (previous == null ? 0 : previous.checks()) + 1;
        int throttled = previous == null ? 0 : previous.throttledChecks();
        TaskStatus seen = new TaskStatus(t.importTaskId(), t.status(), t.statusMessage(), t.progress(), t.imageId(),
                t.snapshotIds(), timeline, lastChangeAt, TaskDecision.WAIT, 0, cancelReason, cancelledAt, checks, throttled);
        PipelineSettings.Timing timing = job.timing();

        switch (t.status()) {
            case "completed" -> {
                return job.withTask(next(seen, TaskDecision.FINISH, 0)).withAttempts(close(job, t.importTaskId(), now, "COMPLETED", null));
            }
            case "deleting" -> {
                if (overdue(job, now, Duration.ofSeconds(timing.pollSeconds()))) {
                    return fail(job, seen, now, FailureCatalog.decided(FailureCategory.TIMEOUT, timeoutSummary(job), t.statusMessage()));
                }
                return job.withTask(next(seen, TaskDecision.WAIT, timing.minPollSeconds()));
            }
            case "deleted" -> {
                return afterDeleted(job, seen, t, now);
            }
            case "active" -> {
                return whileActive(job, seen, t, now);
            }
            default -> {
                return fail(job, seen, now, FailureCatalog.decided(FailureCategory.INTERNAL,
                        "Import task " + t.importTaskId() + " is in a state vm2ami does not know: " + t.status(), t.statusMessage()));
            }
        }
    }

    /** DescribeImportImageTasks was throttled beyond the SDK's retries: look again later, never fail for it. */
    public ImportJob throttled(ImportJob job, Instant now) {
        TaskStatus p = job.task();
        int throttled = (p == null ? 0 : p.throttledChecks()) + 1;
        int wait = Math.min(job.timing().pollSeconds(), job.timing().minPollSeconds() * (1 + random.nextInt(1 << Math.min(throttled, 4))));
        TaskStatus s = p == null
                ? new TaskStatus(job.importTaskId(), "active", null, null, null, List.of(), List.of(), now.toString(), TaskDecision.WAIT, wait, null, null, 0, throttled)
                : new TaskStatus(p.importTaskId(), p.status(), p.statusMessage(), p.progress(), p.imageId(), p.snapshotIds(),
                p.stages(), p.lastChangeAt(), TaskDecision.WAIT, wait, p.cancelReason(), p.cancelledAt(), p.checks(), throttled);
        return job.withTask(s);
    }

    private ImportJob whileActive(ImportJob job, TaskStatus seen, ImportTaskView t, Instant now) {
        PipelineSettings.Timing timing = job.timing();
        if (seen.cancelReason() != null) {
            // vm2ami cancelled it already; AWS has not caught up. Ask again if it takes long, give up after a while.
            Instant cancelledAt = Instant.parse(seen.cancelledAt());
            if (now.isAfter(cancelledAt.plusSeconds(10L * timing.pollSeconds()))) {
                return fail(job, seen, now, categoryOf(seen, job, t));
            }
            if (now.isAfter(cancelledAt.plusSeconds(2L * timing.pollSeconds()))) {
                return job.withTask(cancel(seen, seen.cancelReason(), now));
            }
            return job.withTask(next(seen, TaskDecision.WAIT, timing.minPollSeconds()));
        }
        if (t.statusMessage() != null && t.statusMessage().startsWith("ServerError")) {
            return job.withTask(cancel(seen, FailureCategory.SERVER_ERROR.name(), now));
        }
        if (overdue(job, now, Duration.ZERO)) {
            return job.withTask(cancel(seen, FailureCategory.TIMEOUT.name(), now));
        }
        ImportStages stages = stagesOf(t.importTaskId());
        Optional<ImportStages.Stage> stage = stages.find(t.statusMessage());
        long stalledFor = Duration.between(Instant.parse(seen.lastChangeAt()), now).toSeconds();
        if (stalledFor > stallThreshold(stages, stage.map(ImportStages.Stage::name).orElse(t.statusMessage()), timing)) {
            return job.withTask(cancel(seen, FailureCategory.STUCK.name(), now));
        }
        return job.withTask(next(seen, TaskDecision.WAIT, waitSeconds(stages, seen, stage, now, timing)));
    }

    private ImportJob afterDeleted(ImportJob job, TaskStatus seen, ImportTaskView t, Instant now) {
        FailureCatalog.Classification c = seen.cancelReason() != null ? categoryOf(seen, job, t)
                : FailureCatalog.classify(t.statusMessage());
        List<ImportJob.Attempt> attempts = close(job, t.importTaskId(), now, c.category().name(), t.statusMessage());
        int attempt = job.submission() == null ? 1 : job.submission().attempt();
        boolean retry = c.category().retryable() && c.category() != FailureCategory.QUOTA
                && attempt < job.timing().maxAttempts() && !overdue(job, now, Duration.ZERO);
        boolean toSnapshot = !retry && seen.cancelReason() == null && snapshotPathFixes(job, t, attempts)
                && !overdue(job, now, Duration.ZERO);
        if (retry || toSnapshot) {
            TaskStatus retrying = new TaskStatus(seen.importTaskId(), seen.status(), seen.statusMessage(), seen.progress(),
                    seen.imageId(), seen.snapshotIds(), seen.stages(), seen.lastChangeAt(), TaskDecision.RETRY,
                    Math.max(1, toSnapshot ? job.timing().minPollSeconds() : job.timing().retryBackoffSeconds()), null, null,
                    seen.checks(), seen.throttledChecks());
            ImportJob next = job.withAttempts(attempts).withTask(retrying);
            // Once, after ImportImage refused an image the snapshot path takes as it is: the next attempt is ImportSnapshot.
            return toSnapshot ? next.withSubmission(job.submission().withImportPath(ImportPath.SNAPSHOT)) : next;
        }
        ImportJob closed = job.withAttempts(attempts);
        String summary = c.summary();
        if (attempts.size() > 1) summary += " (" + attempts.size() + " attempts: " + attemptSummary(attempts) + ")";
        return fail(closed, seen, now, new FailureCatalog.Classification(c.category(), summary, c.hint(), c.awsMessage()));
    }

    /**
     * Whether ImportImage's deterministic refusal is one the snapshot path does not have (it does not judge the OS),
     * and this image may take it: importMode auto, a cloud-ready image, no snapshot attempt yet.
     */
    static boolean snapshotPathFixes(ImportJob job, ImportTaskView t, List<ImportJob.Attempt> attempts) {
        if (ImportPath.ofTaskId(t.importTaskId()) != ImportPath.IMAGE || job.submission() == null) return false;
        if (job.image() == null || !"auto".equals(job.image().importMode())) return false;
        if (job.inspection() == null || !job.inspection().cloudReady()) return false;
        if (attempts.stream().anyMatch(a -> ImportPath.ofTaskId(a.importTaskId()) == ImportPath.SNAPSHOT)) return false;
        return FailureCatalog.snapshotPathFixes(t.statusMessage());
    }

    /** Why vm2ami cancelled the task, in terms of what the task was doing then (the last active stage it showed). */
    private FailureCatalog.Classification categoryOf(TaskStatus seen, ImportJob job, ImportTaskView t) {
        FailureCategory category = FailureCategory.valueOf(seen.cancelReason());
        String stage = seen.stages().isEmpty() ? null : seen.stages().get(seen.stages().size() - 1).stage();
        return switch (category) {
            case STUCK -> FailureCatalog.decided(category, "The import task made no progress in '" + stage
                    + "' for longer than its stall threshold, and was cancelled.", t.statusMessage());
            case TIMEOUT -> FailureCatalog.decided(category, timeoutSummary(job), t.statusMessage());
            default -> {
                FailureCatalog.Classification c = FailureCatalog.classify(stage);
                yield new FailureCatalog.Classification(category, c.summary(), c.hint(), stage);
            }
        };
    }

    private static String timeoutSummary(ImportJob job) {
        return "The image was not imported within the deadline of " + job.timing().deadlineSeconds() + " s.";
    }

    private static String attemptSummary(List<ImportJob.Attempt> attempts) {
        StringBuilder b = new StringBuilder();
        for (ImportJob.Attempt a : attempts) {
            if (!b.isEmpty()) b.append("; ");
            b.append('#').append(a.attempt()).append(' ').append(a.importTaskId()).append(' ').append(a.outcome());
        }
        return b.toString();
    }

    private ImportJob fail(ImportJob job, TaskStatus seen, Instant now, FailureCatalog.Classification c) {
        List<ImportJob.Attempt> attempts = seen == null ? job.attempts()
                : close(job, seen.importTaskId(), now, c.category().name(), c.awsMessage());
        ImportJob failed = job.withAttempts(attempts).withFailure(new ImportJob.Failure(c.category(), c.summary(), c.hint(), c.awsMessage()));
        return seen == null ? failed : failed.withTask(next(seen, TaskDecision.FAIL, 0));
    }

    /** The deadline counts from EC2's acceptance of the first task: waiting for the quota does not use it up. */
    static boolean overdue(ImportJob job, Instant now, Duration grace) {
        Instant start = null;
        if (!job.attempts().isEmpty() && job.attempts().get(0).submittedAt() != null) {
            start = Instant.parse(job.attempts().get(0).submittedAt());
        } else if (job.adoption() != null && job.adoption().adoptedAt() != null) {
            start = Instant.parse(job.adoption().adoptedAt());
        }
        return start != null && now.isAfter(start.plusSeconds(job.timing().deadlineSeconds()).plus(grace));
    }

    /** Seconds without any change after which an ImportImage task in this stage counts as stuck. */
    public int stallThreshold(String stageName, PipelineSettings.Timing timing) {
        return stallThreshold(imageStages, stageName, timing);
    }

    /** Seconds without any change after which a task in this stage (of these stages) counts as stuck. */
    static int stallThreshold(ImportStages stages, String stageName, PipelineSettings.Timing timing) {
        Integer configured = timing.stallSeconds().get(stageName);
        if (configured == null) configured = timing.stallSeconds().get("*");
        if (configured != null) return configured;
        int measured = stages.find(stageName).map(ImportStages.Stage::seconds).orElse(STALL_FLOOR_SECONDS / STALL_FACTOR);
        return (int) Math.max(1, Math.round(Math.max(STALL_FLOOR_SECONDS, STALL_FACTOR * measured) * timing.timeScale()));
    }

    /**
     * Stage-aware wait. The import's expected completion comes from the measured stage model, scaled
     * by the pace this import has shown so far (the model time its stage and progress stand for,
     * against the time it really took to get there), so a big image that converts slowly is not
     * looked at as often as a small one. Far from the expected end: half the time left, up to the
     * maximum poll. In the last two maximum polls before it: the minimum poll, so completion is seen
     * soon. When the expected end has passed: twice the minimum.
     */
    int waitSeconds(TaskStatus seen, Optional<ImportStages.Stage> stage, Instant now, PipelineSettings.Timing timing) {
        return waitSeconds(imageStages, seen, stage, now, timing);
    }

    static int waitSeconds(ImportStages stages, TaskStatus seen, Optional<ImportStages.Stage> stage, Instant now,
                           PipelineSettings.Timing timing) {
        double scale = timing.timeScale();
        if (stage.isEmpty() || seen.stages().isEmpty()) {
            return clamp(stages.totalSeconds() * scale / 4, timing);
        }
        Instant started = Instant.parse(seen.stages().get(0).firstSeenAt());
        double elapsed = Duration.between(started, now).toMillis() / 1000.0;
        double expectedLeft = stages.expectedSecondsLeft(stage.get(), seen.progress(), elapsed, scale);
        if (expectedLeft <= 0) {
            return clamp(2.0 * timing.minPollSeconds(), timing);
        }
        if (expectedLeft <= 2.0 * timing.pollSeconds()) {
            return clamp(timing.minPollSeconds(), timing);
        }
        return clamp(expectedLeft / 2, timing);
    }

    private static int clamp(double seconds, PipelineSettings.Timing timing) {
        return (int) Math.max(timing.minPollSeconds(), Math.min(timing.pollSeconds(), Math.round(seconds)));
    }

    private static TaskStatus next(TaskStatus s, TaskDecision next, int seconds) {
        return new TaskStatus(s.importTaskId(), s.status(), s.statusMessage(), s.progress(), s.imageId(), s.snapshotIds(),
                s.stages(), s.lastChangeAt(), next, seconds, s.cancelReason(), s.cancelledAt(), s.checks(), s.throttledChecks());
    }

    private static TaskStatus cancel(TaskStatus s, String reason, Instant now) {
        return new TaskStatus(s.importTaskId(), s.status(), s.statusMessage(), s.progress(), s.imageId(), s.snapshotIds(),
                s.stages(), s.lastChangeAt(), TaskDecision.CANCEL, 0, reason, now.toString(), s.checks(), s.throttledChecks());
    }

    private static List<ImportJob.Attempt> close(ImportJob job, String taskId, Instant now, String outcome, String message) {
        List<ImportJob.Attempt> out = new ArrayList<>();
        boolean found = false;
        for (ImportJob.Attempt a : job.attempts()) {
            if (a.importTaskId().equals(taskId) && a.endedAt() == null) {
                out.add(new ImportJob.Attempt(a.attempt(), a.importTaskId(), a.submittedAt(), now.toString(), outcome, message));
                found = true;
            } else {
                out.add(a);
            }
        }
        if (!found && out.stream().noneMatch(a -> a.importTaskId().equals(taskId))) {
            int attempt = job.submission() == null ? 1 : job.submission().attempt();
            out.add(new ImportJob.Attempt(attempt, taskId, null, now.toString(), outcome, message));
        }
        return out;
    }
}
