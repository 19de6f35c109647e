package dev.vm2ami.importtask;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.TaskDecision;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;

/**
 * What following an import costs: for a simulated 60-minute import (the measured stage model,
 * stretched), how many looks (each a Wait, a Check and a Choice: 3 state transitions and one
 * DescribeImportImageTasks call) and how long between completion and the look that sees it —
 * vm2ami's stage-aware waits (the real TaskTracker) against fixed polls of 5 s (Packer), 30 s and 60 s.
 * Imports that take longer or shorter than the model are simulated too. Prints a table; asserts nothing.
 *
 * <p>Run: {@code ./mvnw -B -Pbench -pl functions verify -Dtest=PollingCostBenchmark}
 */
@Tag("bench")
class PollingCostBenchmark {
    static final ImportStages STAGES = ImportStages.measured();
    static final Instant T0 = Instant.parse("2026-11-23T00:00:00Z");

    /** A task whose stages take {@code factor} times their measured durations; "completed" after the last. */
    record SimulatedTask(double factor) {
        double completesAt() {
            return STAGES.totalSeconds() * factor;
        }

        ImportTaskView at(double t) {
            double elapsed = 0;
            for (ImportStages.Stage s : STAGES.all()) {
                double d = s.seconds() * factor;
                if (t < elapsed + d) {
                    int progress = s.progressFrom() + (int) ((s.progressTo() - s.progressFrom()) * (t - elapsed) / d);
                    return new ImportTaskView("import-ami-sim", "active", s.name(), progress, null, List.of(), Map.of());
                }
                elapsed += d;
            }
            return new ImportTaskView("import-ami-sim", "completed", null, null, "ami-sim", List.of("snap-sim"), Map.of());
        }
    }

    record Cost(int looks, double lagSeconds) {}

    /** Mean looks, mean and worst lag over imports 0..59 % longer than {@code base}: completions fall anywhere between polls. */
    static double[] over(double base, Function<SimulatedTask, Cost> policy) {
        double looks = 0, lag = 0, worst = 0;
        for (int k = 0; k < 60; k++) {
            Cost c = policy.apply(new SimulatedTask(base * (1 + k / 100.0)));
            looks += c.looks();
            lag += c.lagSeconds();
            worst = Math.max(worst, c.lagSeconds());
        }
        return new double[] {looks / 60, lag / 60, worst};
    }

    static Cost stageAware(SimulatedTask task) {
        TaskTracker tracker = new TaskTracker(STAGES, new Random(1));
        PipelineSettings.Timing timing = PipelineSettings.Timing.aws();
        ImportJob job = ImportJob.start("sim", T0.toString(), new ImportJob.SourceObject("b", "k", "v", "e", 1L, "s", null), timing)
                .withAttempts(List.of(new ImportJob.Attempt(1, "import-ami-sim", T0.toString(), null, null, null)))
                .withSubmission(new ImportJob.Submission(1, "t", true, 0, 0, T0.toString(), T0.toString(), "import-ami-sim", null));
        double t = Math.max(timing.minPollSeconds(), Math.min(timing.pollSeconds(), STAGES.all().get(0).seconds()));
        int looks = 0;
        while (true) {
            looks++;
            job = tracker.observe(job, Optional.of(task.at(t)), T0.plusMillis((long) (t * 1000)));
            if (job.task().next() != TaskDecision.WAIT) break;
            t += job.task().nextCheckSeconds();
        }
        return new Cost(looks, t - task.completesAt());
    }

    static Cost fixed(SimulatedTask task, int every) {
        int looks = (int) Math.ceil(task.completesAt() / every);
        return new Cost(Math.max(1, looks), looks * (double) every - task.completesAt());
    }

    @Test
    void printsLooksAndLagPerPollingPolicy() {
        double sixtyMinutes = 3600.0 / STAGES.totalSeconds();
        System.out.println();
        System.out.printf("%-16s %-22s %7s %12s %15s %10s %10s%n", "import", "policy", "looks", "transitions",
                "Describe calls", "mean lag s", "max lag s");
        for (double f : new double[] {sixtyMinutes / 2, sixtyMinutes, sixtyMinutes * 2, sixtyMinutes * 4}) {
            String import_ = String.format("%.0f-%.0f min", STAGES.totalSeconds() * f / 60, STAGES.totalSeconds() * f * 1.59 / 60);
            for (var policy : List.<Map.Entry<String, Function<SimulatedTask, Cost>>>of(
                    Map.entry("stage-aware (vm2ami)", PollingCostBenchmark::stageAware),
                    Map.entry("fixed 5 s (Packer)", x -> fixed(x, 5)),
                    Map.entry("fixed 30 s", x -> fixed(x, 30)),
                    Map.entry("fixed 60 s", x -> fixed(x, 60)))) {
                double[] r = over(f, policy.getValue());
                System.out.printf("%-16s %-22s %7.1f %12.1f %15.1f %10.1f %10.1f%n", import_, policy.getKey(), r[0], 3 * r[0], r[0], r[1], r[2]);
            }
        }
    }
}
