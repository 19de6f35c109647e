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
 * <p>Run: {@code ./mvnw -B -Pbench -pl local -am verify -Dtest=RejectPathBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * (options: -Dreject.runs=3)
 */
@Tag("bench")
class RejectPathBenchmark {
    private static final Duration LIMIT = Duration.ofMinutes(3);

    @Test
    void timesARejectedUploadToItsNotificationColdAndWarm() throws Exception {
        int runs = Integer.getInteger("reject.runs", 3);
        byte[] notADisk = "meeting notes, not a disk".getBytes();
        List<Double> cold = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            try (LocalCloud cloud = LocalCloud.start(LocalCloudOptions.defaults());
                 PipelineHarness harness = new PipelineHarness(cloud)) {
                cold.add(timeToRejection(harness, "bench/cold-" + run + ".vhd", notADisk));
                warm.add(timeToRejection(harness, "bench/warm-" + run + ".vhd", notADisk));
            }
        }
        System.out.println();
        System.out.printf("reject path on the local cloud (upload -> REJECTED on the inbox queue), %d runs, each in a fresh local cloud%n", runs);
        System.out.printf("  first image (cold functions)  median %7.0f ms   runs %s%n", median(cold), rounded(cold));
        System.out.printf("  second image (warm functions) median %7.0f ms   runs %s%n", median(warm), rounded(warm));
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
