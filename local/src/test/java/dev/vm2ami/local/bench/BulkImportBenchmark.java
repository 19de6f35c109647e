package dev.vm2ami.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.cloud.LocalCloudOptions;
import dev.vm2ami.local.pipeline.Notifications;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.sampleimages.SampleImages;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.ListExecutionsResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A bulk migration on the local cloud: N images dropped at once under an import quota of Q
 * (defaults 200 and 5). Prints whether every image reached a terminal notification (none lost,
 * none twice), the most import tasks ever active at once, the wall time, and per image the state
 * transitions and DescribeImportImageTasks calls. Figures, not assertions.
 *
 * <p>Run: {@code ./mvnw -B -Pbench -pl local -am verify -Dtest=BulkImportBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * (options: -Dbulk.images=200 -Dbulk.quota=5 -Dbulk.timeScale=0.003)
 */
@Tag("bench")
class BulkImportBenchmark {

    @Test
    void dropsABulkWaveUnderTheImportQuotaAndPrintsWhatItCost() throws Exception {
        int images = Integer.getInteger("bulk.images", 200);
        int quota = Integer.getInteger("bulk.quota", 5);
        double scale = Double.parseDouble(System.getProperty("bulk.timeScale", "0.003"));
        try (LocalCloud cloud = LocalCloud.start(LocalCloudOptions.defaults().withTimeScale(scale).withImportQuota(quota)
                .withMaxWorkersPerFunction(3));
             PipelineHarness harness = new PipelineHarness(cloud)) {
            byte[] image = SampleImages.rawWithLinuxPartition(1 << 20);
            List<String> keys = IntStream.rangeClosed(1, images).mapToObj(i -> String.format("bulk/server-%03d.raw", i)).toList();
            long started = System.nanoTime();
            keys.parallelStream().forEach(k -> harness.drop(k, image, null));
            double dropSeconds = (System.nanoTime() - started) / 1e9;

            Map<String, Double> doneAt = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
            while (doneAt.size() < images && System.nanoTime() < deadline) {
                for (String k : keys) {
                    if (!doneAt.containsKey(k) && !harness.notificationsFor(k).isEmpty()) doneAt.put(k, (System.nanoTime() - started) / 1e9);
                }
                Thread.sleep(500);
            }
            double wall = (System.nanoTime() - started) / 1e9;
            Thread.sleep(3_000); // room for duplicates, if there were any

            Map<String, Integer> byStatus = new HashMap<>();
            int twice = 0;
            for (String k : keys) {
                List<Notifications.Received> got = harness.notificationsFor(k);
                if (got.size() > 1) twice++;
                if (!got.isEmpty()) byStatus.merge(got.get(0).status(), 1, Integer::sum);
                if (!got.isEmpty() && !got.get(0).status().equals("SUCCEEDED")) {
                    System.out.println("  not imported: " + k + ": " + got.get(0).body().path("error"));
                }
            }
            JsonNode record = cloud.simulatorRecord();
            JsonNode region = record.path("regions").elements().next();
            int describeCalls = 0;
            for (JsonNode t : region.path("tasks")) describeCalls += t.path("describeCalls").asInt();

            List<ExecutionListItem> executions = new ArrayList<>();
            String token = null;
            do {
                String page = token;
                ListExecutionsResponse r = cloud.clients().sfn().listExecutions(l -> l.stateMachineArn(harness.pipeline().stateMachineArn()).nextToken(page));
                executions.addAll(r.executions());
                token = r.nextToken();
            } while (token != null);
            long transitions = 0;
            for (ExecutionListItem e : executions) {
                List<HistoryEvent> events = cloud.clients().sfn().getExecutionHistory(h -> h.executionArn(e.executionArn()).maxResults(1000)).events();
                transitions += events.stream().filter(ev -> ev.typeAsString().endsWith("StateEntered")).count();
            }

            System.out.println();
            System.out.printf("bulk import on the local cloud: %d images, import quota %d, time scale %s (a 30-minute import takes %.1f s)%n",
                    images, quota, scale, 1800 * scale);
            System.out.printf("  uploads took                     %8.1f s%n", dropSeconds);
            System.out.printf("  terminal notifications           %8d of %d (%s); missing %d; more than one %d%n",
                    doneAt.size(), images, byStatus, images - doneAt.size(), twice);
            System.out.printf("  wall time to the last one        %8.1f s (first %.1f s)%n", wall,
                    doneAt.values().stream().mapToDouble(d -> d).min().orElse(0));
            System.out.printf("  most import tasks active at once %8d (quota %d)%n", region.path("maxConcurrentActive").asInt(), quota);
            System.out.printf("  ImportImage refused for quota    %8d times (%.1f per image)%n", record.path("rejectedForQuota").asInt(),
                    record.path("rejectedForQuota").asDouble() / images);
            System.out.printf("  import tasks                     %8d%n", region.path("tasks").size());
            System.out.printf("  state transitions per image      %8.1f%n", transitions / (double) executions.size());
            System.out.printf("  DescribeImportImageTasks / image %8.1f%n", describeCalls / (double) images);
        }
    }
}
