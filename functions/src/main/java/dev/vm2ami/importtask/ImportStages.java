package dev.vm2ami.importtask;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.vm2ami.job.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The StatusMessage stages an import task walks while active, with their measured durations
 * ({@code import-stages.json}, the one source the check step, the simulator and the README share).
 */
public final class ImportStages {
    public static final String RESOURCE = "dev/vm2ami/importtask/import-stages.json";

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Stage(String name, int seconds, int progressFrom, int progressTo) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    private record Model(List<Stage> stages, List<Stage> snapshotStages) {}

    private static final Model MODEL = load();
    private static final ImportStages MEASURED = new ImportStages(MODEL.stages());
    private static final ImportStages SNAPSHOT = new ImportStages(MODEL.snapshotStages());

    private final List<Stage> stages;

    private ImportStages(List<Stage> stages) {
        this.stages = List.copyOf(stages);
    }

    public static ImportStages measured() {
        return MEASURED;
    }

    /** The stages of an ImportSnapshot task (only downloading/converting is documented; the file says what is assumed). */
    public static ImportStages snapshot() {
        return SNAPSHOT;
    }

    private static Model load() {
        try (InputStream in = ImportStages.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is not on the classpath");
            return Json.MAPPER.readValue(in, Model.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    public List<Stage> all() {
        return stages;
    }

    public Optional<Stage> find(String statusMessage) {
        if (statusMessage == null) return Optional.empty();
        return stages.stream().filter(s -> s.name().equalsIgnoreCase(statusMessage.trim())).findFirst();
    }

    /** Expected seconds from the start of this stage to the end of the import. */
    public int secondsFromStartOf(Stage stage) {
        int total = 0;
        boolean counting = false;
        for (Stage s : stages) {
            if (s.name().equals(stage.name())) counting = true;
            if (counting) total += s.seconds();
        }
        return total;
    }

    /**
     * Where the model says an import is, in seconds since it started, when it shows this stage and
     * progress (within the stage by its progress range; the stage's start when progress is unknown).
     */
    public double modelSecondsAt(Stage stage, Integer progress) {
        double offset = totalSeconds() - secondsFromStartOf(stage);
        if (progress == null || stage.progressTo() <= stage.progressFrom()) return offset;
        double within = (progress - stage.progressFrom()) / (double) (stage.progressTo() - stage.progressFrom());
        return offset + Math.max(0, Math.min(1, within)) * stage.seconds();
    }

    /**
     * Expected seconds until the import completes, for a task that shows this stage and progress
     * {@code elapsedSeconds} after its first stage was seen: the model's time left, scaled by
     * {@code timeScale} and by the pace the import has shown so far (the real time it took to get
     * here against the model time its stage and progress stand for, between a quarter and 64 times),
     * so a big image that converts slowly is expected to take longer than a small one. Negative when
     * the expected end has passed. The check step's waits, the stage events and {@code vm2ami status}
     * all take their ETA from here.
     */
    public double expectedSecondsLeft(Stage stage, Integer progress, double elapsedSeconds, double timeScale) {
        double modelElapsed = modelSecondsAt(stage, progress) * timeScale;
        double pace = modelElapsed > 0 && elapsedSeconds > 0 ? Math.max(0.25, Math.min(64, elapsedSeconds / modelElapsed)) : 1;
        return totalSeconds() * timeScale * pace - elapsedSeconds;
    }

    /** Expected seconds of a whole import. */
    public int totalSeconds() {
        return stages.stream().mapToInt(Stage::seconds).sum();
    }
}
