package dev.vm2ami.local.bench;

import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.cloud.LocalCloudOptions;
import dev.vm2ami.local.pipeline.Notifications;
import dev.vm2ami.local.testing.PipelineHarness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The reject path end to end on the local cloud: an upload the pre-flight rejects (a text file
 * named .vhd) until its REJECTED notification is on the inbox queue. Each run starts a fresh local
 * cloud, so the first image meets cold functions (start, inspect, notify: a new JVM each); a second
 * image right after meets the same functions warm. Prints the median and every run; figures, not
 * assertions.
 *
 * <p>What is timed: from the PutObject call returning to the notification's arrival in the test's
 * inbox collector (polled every 100 ms). It includes S3 → SQS delivery, the event source mapping's
 * poll, Step Functions on moto's interpreter and SNS → SQS: all of them the same in every run.
 *
 * <p>Two ways, each in its own fresh clouds: the function host as it is by default (a worker JVM starts
 * on a function's first invocation), and with its SnapStart emulation
 * ({@link LocalCloudOptions#withSnapStart}): each function's first worker started and primed at deploy
 * time, so the first image meets it at its snapshot point (Lambda's restore of a snapshot is not emulated).
 *
 * <p>Run: {@code ./mvnw -B -Pbench -pl local -am verify -Dtest=RejectPathBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * (options: -Dreject.runs=3 -Dreject.modes=default,snapstart)
 */
@Tag("bench")
class RejectPathBenchmark {
    private static final Duration LIMIT = Duration.ofMinutes(3);

    @Test
    void timesARejectedUploadToItsNotificationColdAndWarm() throws Exception {
        int runs = Integer.getInteger("reject.runs", 3);
        List<String> modes = List.of(System.getProperty("reject.modes", "default,snapstart").split(","));
        byte[] notADisk = "meeting notes, not a disk".getBytes();
        List<String> lines = new ArrayList<>();
        for (String mode : modes) {
            boolean snapStart = mode.equals("snapstart");
            List<Double> cold = new ArrayList<>();
            List<Double> warm = new ArrayList<>();
            List<Double> deploy = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                try (LocalCloud cloud = LocalCloud.start(LocalCloudOptions.defaults().withSnapStart(snapStart))) {
                    long deploying = System.nanoTime();
                    try (PipelineHarness harness = new PipelineHarness(cloud)) {
                        deploy.add((System.nanoTime() - deploying) / 1e6);
                        cold.add(timeToRejection(harness, "bench/cold-" + run + ".vhd", notADisk));
                        warm.add(timeToRejection(harness, "bench/warm-" + run + ".vhd", notADisk));
                    }
                }
            }
            String label = snapStart ? "SnapStart emulation (workers primed at deploy)" : "default function host (cold JVMs)";
            lines.add(String.format("  %s:%n    deploy (template -> ready)        median %7.0f ms   runs %s%n"
                            + "    first image (cold functions)      median %7.0f ms   runs %s%n"
                            + "    second image (warm functions)     median %7.0f ms   runs %s",
                    label, median(deploy), rounded(deploy), median(cold), rounded(cold), median(warm), rounded(warm)));
        }
        System.out.println();
        System.out.printf("reject path on the local cloud (upload -> REJECTED on the inbox queue), %d runs per way, each in a fresh local cloud%n", runs);
        lines.forEach(System.out::println);
    }

    private static double timeToRejection(PipelineHarness harness, String key, byte[] content) {
        harness.drop(key, content, null);
        long dropped = System.nanoTime();
        Notifications.Received n = harness.awaitNotification(key, LIMIT);
        double ms = (System.nanoTime() - dropped) / 1e6;
        if (!n.status().equals("REJECTED")) {
            throw new IllegalStateException("expected REJECTED for " + key + ", got " + n.status() + ": " + n.body());
        }
        return ms;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static List<Long> rounded(List<Double> values) {
        return values.stream().map(Math::round).toList();
    }
}
