package dev.vm2ami.importtask;

import dev.vm2ami.job.ImportJob;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One stage change of an import, as the check step saw it: the detail of an {@code Import Stage
 * Changed} event. The stage is the task's StatusMessage while it is active ({@code validating},
 * {@code converting}, …), else its status ({@code completed}, {@code deleting}, {@code deleted}).
 *
 * @param previousStage  the stage the previous look showed (null at the first look at a task)
 * @param skippedStages  stages of the model between the two that no look saw (the waits are long)
 * @param decision       what the pipeline does next (WAIT, FINISH, CANCEL, RETRY, FAIL)
 * @param etaSeconds     the stage model's expected seconds left, at this import's pace (null when unknown)
 */
public record StageChange(String bucket, String key, String versionId, String executionName, String importTaskId,
                          int attempt, String stage, String previousStage, List<String> skippedStages, String status,
                          Integer progress, String decision, String cancelReason, String observedAt, Long etaSeconds,
                          String team, String format) {

    public StageChange {
        skippedStages = List.copyOf(skippedStages);
    }

    /** The change between the job before a look at its task and after it, if the stage changed. */
    public static Optional<StageChange> between(ImportJob before, ImportJob after, ImportStages stages, Instant now) {
        ImportJob.TaskStatus seen = after.task();
        if (seen == null || seen.status() == null) return Optional.empty();
        ImportJob.TaskStatus previous = before.task();
        boolean sameTask = previous != null && Objects.equals(previous.importTaskId(), seen.importTaskId());
        String previousStage = sameTask ? stageOf(previous) : null;
        String stage = stageOf(seen);
        if (stage == null || stage.equals(previousStage)) return Optional.empty();
        int attempt = after.submission() == null ? 1 : after.submission().attempt();
        ImportJob.SourceObject source = after.source();
        ImportJob.ImageOptions image = after.image();
        return Optional.of(new StageChange(source.bucket(), source.key(), source.version(), after.executionName(),
                seen.importTaskId(), attempt, stage, previousStage, skipped(stages, previousStage, stage), seen.status(),
                seen.progress(), seen.next() == null ? null : seen.next().name(), seen.cancelReason(), now.toString(),
                eta(stages, seen, after, now), image == null ? null : image.team(), image == null ? null : image.format()));
    }

    /** Null for a task no look has seen yet (the submit step records it as active, without a stage). */
    static String stageOf(ImportJob.TaskStatus t) {
        if (t.status() == null) return null;
        return "active".equals(t.status()) ? t.statusMessage() : t.status();
    }

    /** The model's stages strictly between the two, when both are in the model and in that order. */
    private static List<String> skipped(ImportStages stages, String from, String to) {
        List<ImportStages.Stage> all = stages.all();
        int start = from == null ? -1 : indexOf(all, from);
        int end = "completed".equals(to) ? all.size() : indexOf(all, to);
        if (from != null && start < 0 || end < 0 || end <= start) return List.of();
        List<String> out = new ArrayList<>();
        for (int i = start + 1; i < end; i++) out.add(all.get(i).name());
        return out;
    }

    private static int indexOf(List<ImportStages.Stage> all, String name) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).name().equalsIgnoreCase(name)) return i;
        }
        return -1;
    }

    private static Long eta(ImportStages stages, ImportJob.TaskStatus seen, ImportJob job, Instant now) {
        if ("completed".equals(seen.status())) return 0L;
        if (!"active".equals(seen.status()) || seen.stages().isEmpty() || job.timing() == null) return null;
        Optional<ImportStages.Stage> stage = stages.find(seen.statusMessage());
        if (stage.isEmpty()) return null;
        double elapsed = Duration.between(Instant.parse(seen.stages().get(0).firstSeenAt()), now).toMillis() / 1000.0;
        return Math.max(0, Math.round(stages.expectedSecondsLeft(stage.get(), seen.progress(), elapsed, job.timing().timeScale())));
    }
}
