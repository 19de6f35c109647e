package dev.vm2ami.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.importtask.ImportStages;
import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.wiring.ImportEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stage events as a team would consume them: an EventBridge rule on the default bus for
 * {@code source: vm2ami, detail-type: Import Stage Changed}, delivering to an SQS queue. The check
 * function puts them with its own role's credentials, so the stack's permission is what lets them through.
 */
@ExtendWith(LocalCloudExtension.class)
class StageEventsTest {
    static final String FLAKY = "events/flaky.raw";
    static final ObjectMapper JSON = new ObjectMapper();
    static PipelineHarness harness;

    @AfterAll
    static void tearDown() {
        if (harness != null) harness.close();
    }

    /** Every request a role was denied, as the local cloud's control endpoint lists them. */
    static String denials(LocalCloud cloud) throws Exception {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(java.net.http.HttpRequest.newBuilder(cloud.endpoint().resolve("/_vm2ami/denials")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    @Test
    void everyStageChangeTheCheckStepSeesIsAnEventAndTheSingleNotificationStays(LocalCloud cloud) throws Exception {
        harness = new PipelineHarness(cloud);
        var sqs = cloud.clients().sqs();
        String queueUrl = sqs.createQueue(r -> r.queueName("stage-events")).queueUrl();
        String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        try (EventBridgeClient events = EventBridgeClient.builder().endpointOverride(cloud.endpoint())
                .region(software.amazon.awssdk.regions.Region.of(cloud.region()))
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        LocalCloud.ACCESS_KEY, LocalCloud.SECRET_KEY)).build()) {
            events.putRule(r -> r.name("vm2ami-progress").eventBusName(ImportEvents.EVENT_BUS).eventPattern(
                    "{\"source\": [\"" + ImportEvents.SOURCE + "\"], \"detail-type\": [\"" + ImportEvents.STAGE_CHANGED + "\"]}"));
            events.putTargets(r -> r.rule("vm2ami-progress").eventBusName(ImportEvents.EVENT_BUS)
                    .targets(t -> t.id("queue").arn(queueArn)));
        }

        harness.drop(FLAKY, SampleImages.rawWithLinuxPartition(1 << 20), "server-error-once");
        assertThat(harness.awaitNotification(FLAKY, Duration.ofSeconds(300)).status()).isEqualTo("SUCCEEDED");

        List<JsonNode> received = new ArrayList<>();
        for (int empty = 0; empty < 2; ) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            if (batch.isEmpty()) empty++;
            for (Message m : batch) received.add(JSON.readTree(m.body()));
        }
        assertThat(received).isNotEmpty().allSatisfy(e -> {
            assertThat(e.path("source").asText()).isEqualTo("vm2ami");
            assertThat(e.path("detail-type").asText()).isEqualTo("Import Stage Changed");
            assertThat(e.path("detail").path("key").asText()).isEqualTo(FLAKY);
        });
        List<JsonNode> details = received.stream().map(e -> e.path("detail"))
                .sorted(java.util.Comparator.comparing((JsonNode d) -> d.path("observedAt").asText())).toList();
        List<String> stages = details.stream().map(d -> d.path("attempt").asInt() + ":" + d.path("stage").asText()).toList();

        // Attempt 1 fails with EC2's ServerError (vm2ami cancels the task and tries again); attempt 2 completes.
        assertThat(stages).as("events: %s", stages).contains("2:completed").anyMatch(s -> s.startsWith("1:"));
        assertThat(stages.get(stages.size() - 1)).isEqualTo("2:completed");
        assertThat(details).filteredOn(d -> d.path("stage").asText().equals("completed"))
                .singleElement().satisfies(d -> assertThat(d.path("decision").asText()).isEqualTo("FINISH"));
        // Per task, each event continues where the previous one left off, and the model's stages no look saw are named.
        List<String> model = ImportStages.measured().all().stream().map(ImportStages.Stage::name).toList();
        for (String task : details.stream().map(d -> d.path("importTaskId").asText()).distinct().toList()) {
            List<JsonNode> ofTask = details.stream().filter(d -> d.path("importTaskId").asText().equals(task)).toList();
            assertThat(ofTask.get(0).hasNonNull("previousStage")).as("the first look at a task").isFalse();
            for (int i = 1; i < ofTask.size(); i++) {
                assertThat(ofTask.get(i).path("previousStage").asText()).isEqualTo(ofTask.get(i - 1).path("stage").asText());
            }
        }
        JsonNode completed = details.get(details.size() - 1);
        List<String> walked = new ArrayList<>();
        details.stream().filter(d -> d.path("importTaskId").equals(completed.path("importTaskId"))).forEach(d -> {
            d.path("skippedStages").forEach(s -> walked.add(s.asText()));
            if (model.contains(d.path("stage").asText())) walked.add(d.path("stage").asText());
        });
        assertThat(walked).as("seen and skipped stages of the completed task, in order").isEqualTo(model);
        // The stage events are extra: one notification, as before.
        Thread.sleep(1000);
        assertThat(harness.notificationsFor(FLAKY)).hasSize(1);
        assertThat(denials(cloud)).doesNotContain("events:");
    }
}
