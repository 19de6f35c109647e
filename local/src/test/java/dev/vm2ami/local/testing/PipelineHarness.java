package dev.vm2ami.local.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.pipeline.LocalPipeline;
import dev.vm2ami.local.pipeline.Notifications;
import dev.vm2ami.local.pipeline.PipelineResources;
import software.amazon.awssdk.core.sync.RequestBody;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The pipeline deployed into a local cloud, with what a test needs around it: dropping images,
 * collecting every notification (in the background, so none is missed), and reading what the
 * ImportImage simulator did with each object.
 */
public final class PipelineHarness implements AutoCloseable {
    private final LocalCloud cloud;
    private final PipelineResources pipeline;
    private final Map<String, List<Notifications.Received>> byKey = new ConcurrentHashMap<>();
    private final Thread collector;
    private volatile boolean running = true;

    public PipelineHarness(LocalCloud cloud) {
        this(cloud, Map.of());
    }

    /** The stack synthesized with {@code settings} over cdk.json's configuration (e.g. another stackName). */
    public PipelineHarness(LocalCloud cloud, Map<String, Object> settings) {
        this.cloud = cloud;
        this.pipeline = LocalPipeline.deploy(cloud, settings);
        Notifications inbox = new Notifications(cloud.clients().sqs(), pipeline.inboxQueueUrl());
        collector = new Thread(() -> {
            while (running) {
                try {
                    for (Notifications.Received n : inbox.poll(1)) {
                        byKey.computeIfAbsent(n.key(), k -> new CopyOnWriteArrayList<>()).add(n);
                    }
                } catch (RuntimeException e) {
                    if (running) sleep(200);
                }
            }
        }, "notification-collector");
        collector.setDaemon(true);
        collector.start();
    }

    public LocalCloud cloud() {
        return cloud;
    }

    public PipelineResources pipeline() {
        return pipeline;
    }

    /** Puts an image into the pipeline's bucket, optionally with the simulator's {@code simulate} tag. */
    public void drop(String key, byte[] content, String simulate) {
        cloud.clients().s3().putObject(p -> {
            p.bucket(pipeline.bucket()).key(key);
            if (simulate != null) p.tagging("simulate=" + simulate);
        }, RequestBody.fromBytes(content));
    }

    /** The first notification for the key; fails with what arrived instead when none comes in time. */
    public Notifications.Received awaitNotification(String key, Duration limit) {
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until) {
            List<Notifications.Received> got = byKey.get(key);
            if (got != null && !got.isEmpty()) return got.get(0);
            sleep(100);
        }
        throw new AssertionError("no notification for '" + key + "' within " + limit + "; notifications so far for "
                + byKey.keySet() + "; function logs: " + cloud.functionLogs());
    }

    /** Every notification received for the key so far. */
    public List<Notifications.Received> notificationsFor(String key) {
        return List.copyOf(byKey.getOrDefault(key, List.of()));
    }

    /** The import tasks the simulator ran for this key, oldest first. */
    public List<JsonNode> importTasksFor(String key) {
        List<JsonNode> tasks = new ArrayList<>();
        cloud.simulatorRecord().path("regions").forEach(region -> region.path("tasks").forEach(t -> {
            for (JsonNode d : t.path("disks")) {
                if (d.path("S3Key").asText().equals(key)) {
                    tasks.add(t);
                    break;
                }
            }
        }));
        return tasks;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        collector.interrupt();
    }
}
