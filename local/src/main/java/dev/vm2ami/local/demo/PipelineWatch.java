package dev.vm2ami.local.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.local.pipeline.Notifications;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code ./vm2ami up} shows while images flow: one line per image each time its stage changes
 * (received, the import's stages, the outcome), as the demo shows them. It learns of images from the
 * state machine's executions, follows their import tasks, and takes outcomes from an inbox queue with
 * SNS envelopes that nobody else reads.
 */
public final class PipelineWatch {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One change: the image's key and what it is doing now. */
    public record Change(String key, String state) {}

    private final SfnClient sfn;
    private final String stateMachineArn;
    private final ImportProgress progress;
    private final Notifications inbox;
    private final Map<String, String> keyByExecution = new LinkedHashMap<>();
    private final Map<String, String> outcomeByExecution = new HashMap<>();
    private final Map<String, String> shown = new HashMap<>();

    public PipelineWatch(SfnClient sfn, String stateMachineArn, Ec2Client ec2, Notifications inbox) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
        this.progress = new ImportProgress(ec2);
        this.inbox = inbox;
    }

    /** The changes since the last call, in the order the images arrived. */
    public List<Change> poll() {
        for (ExecutionListItem e : sfn.listExecutions(r -> r.stateMachineArn(stateMachineArn).maxResults(100)).executions()) {
            keyByExecution.computeIfAbsent(e.name(), name -> sourceKey(e.executionArn()));
        }
        for (Notifications.Received n : inbox.poll(0)) {
            String execution = n.body().path("executionName").asText();
            keyByExecution.putIfAbsent(execution, n.key());
            outcomeByExecution.put(execution, n.status() + ": " + n.subject());
        }
        Map<String, String> stages = progress.byKey();
        List<Change> changes = new ArrayList<>();
        keyByExecution.forEach((execution, key) -> {
            String outcome = outcomeByExecution.get(execution);
            String now = outcome != null ? outcome : stages.getOrDefault(key, "received: pre-flight check");
            String stage = now.replaceAll(" \\d+%", ""); // one line per stage, not per percent
            if (!stage.equals(shown.put(execution, stage))) changes.add(new Change(key, now));
        });
        return changes;
    }

    private String sourceKey(String executionArn) {
        String input = sfn.describeExecution(r -> r.executionArn(executionArn)).input();
        try {
            JsonNode job = JSON.readTree(input);
            return job.path("source").path("key").asText(executionArn);
        } catch (IOException e) {
            return executionArn;
        }
    }
}
