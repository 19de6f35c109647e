package dev.vm2ami.local.status;

import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.Severity;
import dev.vm2ami.importtask.ImportStages;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.TaskDecision;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns an execution and the latest job document it carries into an {@link ImageStatus}: the stage
 * from the job (and the state the execution is in), the ETA from the measured stage model
 * ({@link ImportStages}, the one the check step waits by), scaled by the job's own time scale.
 */
public final class ImageStatuses {
    private final ImportStages stages;

    public ImageStatuses(ImportStages stages) {
        this.stages = stages;
    }

    /**
     * @param execution the execution's name, status and dates
     * @param job       the latest job document in its history (null when none could be read)
     * @param state     the state the execution is in (null when unknown or finished)
     */
    public ImageStatus of(Execution execution, ImportJob job, String state, Instant now) {
        Instant stoppedOrNow = execution.stoppedAt() == null ? now : execution.stoppedAt();
        long elapsed = Math.max(0, Duration.between(execution.startedAt(), stoppedOrNow).toSeconds());
        String key = job == null || job.source() == null ? "?" : job.source().key();
        int attempts = attempts(job);
        if (!"RUNNING".equals(execution.status())) {
            return finished(execution, job, key, attempts, elapsed);
        }
        Stage s = running(job, state, now);
        return new ImageStatus(key, execution.name(), "RUNNING", s.name, s.progress, attempts,
                execution.startedAt().toString(), elapsed, s.eta, s.detail);
    }

    /** What {@code ListExecutions} says of an execution. */
    public record Execution(String name, String status, Instant startedAt, Instant stoppedAt) {}

    private record Stage(String name, Integer progress, Long eta, String detail) {}

    private ImageStatus finished(Execution execution, ImportJob job, String key, int attempts, long elapsed) {
        String notified = job == null || job.notification() == null ? null : job.notification().status();
        String status = notified != null ? notified : execution.status();
        ImportJob.TaskStatus task = job == null ? null : job.task();
        Integer lastProgress = task == null ? null : task.progress();
        String stage;
        Integer progress;
        String detail = null;
        switch (status) {
            case "SUCCEEDED" -> {
                stage = "completed";
                progress = 100;
                if (job != null && job.ami() != null) detail = job.ami().imageId();
            }
            case "REJECTED" -> {
                stage = "rejected";
                progress = null;
                detail = job == null || job.inspection() == null ? null : job.inspection().findings().stream()
                        .filter(f -> f.severity() == Severity.ERROR).map(Finding::code).findFirst().orElse(null);
            }
            case "FAILED" -> {
                stage = "failed";
                progress = lastProgress;
                detail = job != null && job.failure() != null ? job.failure().category().name() : null;
            }
            default -> {
                stage = execution.status().toLowerCase().replace('_', ' ');
                progress = lastProgress;
            }
        }
        return new ImageStatus(key, execution.name(), status, stage, progress, attempts, execution.startedAt().toString(),
                elapsed, null, detail);
    }

    private Stage running(ImportJob job, String state, Instant now) {
        Long wholeImport = job == null || job.timing() == null ? null
                : Math.round(stages.totalSeconds() * job.timing().timeScale());
        if (job == null) return new Stage("starting", null, null, null);
        if (job.notification() != null || job.failure() != null || "ComposeNotification".equals(state)
                || "Publish".equals(state) || "CancelAfterFault".equals(state)) {
            return new Stage("notifying", job.task() == null ? null : job.task().progress(), 0L, null);
        }
        if (job.ami() != null || "Finish".equals(state) || "WaitForAmi".equals(state)
                || job.task() != null && job.task().next() == TaskDecision.FINISH) {
            // CopyImage and tagging: not in the stage model (minutes on AWS), so no ETA.
            return new Stage("naming AMI", 100, null, job.ami() == null ? null : job.ami().imageId());
        }
        if (job.inspection() == null) {
            return new Stage("inspecting", null, wholeImport, null);
        }
        ImportJob.Submission submission = job.submission();
        ImportJob.TaskStatus task = job.task();
        ImportJob.Conversion conversion = job.conversion();
        if (conversion != null && submission == null && task == null) {
            if ("InspectConverted".equals(state) || conversion.converted()) {
                return new Stage("inspecting the converted image", null, wholeImport, conversion.key());
            }
            // The task's input is the job before the step: the engine comes from the state that runs it.
            boolean onBatch = "ConvertOnBatch".equals(state) || !"ConvertInLambda".equals(state)
                    && ImportJob.Conversion.BATCH.equals(conversion.engine());
            return new Stage(onBatch ? "converting on AWS Batch" : "converting in Lambda", null, wholeImport, conversion.from());
        }
        if (submission == null && task == null && job.adoption() == null) {
            return new Stage("submitting", null, wholeImport, null);
        }
        if (submission != null && !submission.admitted()) {
            return new Stage("waiting for import quota", null, wholeImport, submission.quotaWaits() + " quota waits");
        }
        boolean currentTask = task != null && (submission == null || submission.importTaskId() == null
                || submission.importTaskId().equals(task.importTaskId()));
        if (!currentTask) {
            return new Stage("submitted", 0, wholeImport, submission.importTaskId());
        }
        if (task.checks() == 0) { // ImportImage accepted it; the check step has not looked at it yet
            return new Stage("submitted", 0, wholeImport, task.importTaskId());
        }
        if (task.next() == TaskDecision.RETRY || "WaitBeforeRetry".equals(state)) {
            return new Stage("retrying", task.progress(), wholeImport, lastOutcome(job));
        }
        if (task.cancelReason() != null) {
            return new Stage("cancelling", task.progress(), null, task.cancelReason());
        }
        String stageName = task.statusMessage() != null ? task.statusMessage() : task.status();
        return new Stage(stageName, task.progress(), eta(task, now, job.timing().timeScale()).orElse(null), task.importTaskId());
    }

    /** The stage model's time left for the task's stage and progress, at the pace the import has shown. */
    private Optional<Long> eta(ImportJob.TaskStatus task, Instant now, double timeScale) {
        Optional<ImportStages.Stage> stage = stages.find(task.statusMessage());
        if (stage.isEmpty() || task.stages().isEmpty()) return Optional.empty();
        double elapsed = Duration.between(Instant.parse(task.stages().get(0).firstSeenAt()), now).toMillis() / 1000.0;
        double left = stages.expectedSecondsLeft(stage.get(), task.progress(), elapsed, timeScale);
        return Optional.of(Math.max(0, Math.round(left)));
    }

    private static String lastOutcome(ImportJob job) {
        return job.attempts().isEmpty() ? null : job.attempts().get(job.attempts().size() - 1).outcome();
    }

    private static int attempts(ImportJob job) {
        if (job == null) return 0;
        int fromSubmission = job.submission() == null ? 0 : job.submission().attempt();
        return Math.max(fromSubmission, job.attempts().size());
    }
}
