package dev.vm2ami.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.importtask.ImportSubmitter;
import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.wiring.PipelineFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two stacks (two names, two prefixes) in one account and region, as two teams would deploy them: each
 * reconciler touches only its own stack's import tasks; and a step whose role was stripped of its
 * policy fails its image at once, with one FAILED/PERMISSIONS notification naming the denied action.
 */
@ExtendWith(LocalCloudExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoStacksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private PipelineHarness first;
    private PipelineHarness second;
    private LocalCloud cloud;

    @BeforeAll
    void deployTwoStacks(LocalCloud cloud) {
        this.cloud = cloud;
        first = new PipelineHarness(cloud);
        second = new PipelineHarness(cloud, Map.of("stackName", "vm2ami-second", "imagePrefix", "incoming/",
                "reconcileAction", "cancel"));
    }

    @AfterAll
    void close() {
        second.close();
        first.close();
    }

    @Test
    void eachReconcilerTouchesOnlyItsOwnStacksOrphans() {
        String firstOrphan = orphan(first, "orphans/first.bin", "vm2ami-gone-1");
        String secondOrphan = orphan(second, "incoming/orphans/second.bin", "vm2ami-second-gone-1");

        reconcile(first);  // adopts
        reconcile(second); // cancels

        // The report itself is not read (Lambda's serializer writes records as {}): the effects are.
        assertThat(executions(first)).anyMatch(n -> n.startsWith("vm2ami-gone-1-adopt-"))
                .noneMatch(n -> n.startsWith("vm2ami-second-gone-1"));
        assertThat(executions(second)).noneMatch(n -> n.startsWith("vm2ami-gone-1"));
        assertThat(history(secondOrphan)).as("the second stack cancelled its own orphan").contains("orphaned");
        assertThat(history(firstOrphan)).as("but not the first stack's").doesNotContain("orphaned");
    }

    @Test
    void aStepWhoseRoleLostItsPolicyFailsTheImageAtOnceNamingTheDeniedAction() {
        String checkRole = role(second, PipelineFunction.CHECK);
        var iam = cloud.clients().iam();
        iam.listRolePolicies(r -> r.roleName(checkRole)).policyNames()
                .forEach(p -> iam.deleteRolePolicy(d -> d.roleName(checkRole).policyName(p)));

        String key = "incoming/denied/app.raw";
        second.drop(key, SampleImages.rawWithLinuxPartition(1 << 20), null);
        Notifications.Received n = second.awaitNotification(key, Duration.ofSeconds(120));

        assertThat(n.status()).isEqualTo("FAILED");
        assertThat(n.attributes()).containsEntry("category", "PERMISSIONS");
        assertThat(n.body().path("error").path("message").asText())
                .contains("check step was denied").contains("ec2:DescribeImportImageTasks");
        // No retry of the denied step: it ran once, and the image has exactly one notification.
        String execution = cloud.clients().sfn().listExecutions(r -> r.stateMachineArn(second.pipeline().stateMachineArn()))
                .executions().stream().filter(e -> e.name().startsWith("app-raw")).findFirst().orElseThrow().executionArn();
        String check = second.pipeline().functionNames().get(PipelineFunction.CHECK);
        long checks = cloud.clients().sfn().getExecutionHistory(r -> r.executionArn(execution).maxResults(1000)).events().stream()
                .filter(e -> e.taskScheduledEventDetails() != null
                        && functionName(e.taskScheduledEventDetails().parameters()).endsWith(":function:" + check + ":" + PipelineFunction.ALIAS))
                .count();
        assertThat(checks).isEqualTo(1);
        sleepFor(Duration.ofSeconds(3));
        assertThat(second.notificationsFor(key)).hasSize(1);
    }

    /** An import task tagged as the stack's submit step tags it, whose execution never existed. */
    private String orphan(PipelineHarness stack, String key, String execution) {
        // Stuck, so it is still active when the reconciler (a cold Lambda worker) looks.
        cloud.clients().s3().putObject(p -> p.bucket(stack.pipeline().bucket()).key(key).tagging("simulate=stuck-booting"),
                RequestBody.fromBytes(SampleImages.rawWithLinuxPartition(1 << 20)));
        List<Tag> tags = List.of(tag(ImportSubmitter.TAG_EXECUTION, execution), tag(ImportSubmitter.TAG_SOURCE_BUCKET, stack.pipeline().bucket()),
                tag(ImportSubmitter.TAG_SOURCE_KEY, key), tag(ImportSubmitter.TAG_ATTEMPT, "1"),
                tag(ImportSubmitter.TAG_STATE_MACHINE, stack.pipeline().stateMachineArn()));
        return cloud.clients().ec2().importImage(r -> r.roleName(stack.pipeline().vmimportRoleName())
                .diskContainers(d -> d.format("raw").userBucket(u -> u.s3Bucket(stack.pipeline().bucket()).s3Key(key)))
                .tagSpecifications(t -> t.resourceType(ResourceType.IMPORT_IMAGE_TASK).tags(tags))).importTaskId();
    }

    private void reconcile(PipelineHarness stack) {
        var response = cloud.clients().lambda().invoke(i -> i.functionName(stack.pipeline().functionNames().get(PipelineFunction.RECONCILE))
                .payload(SdkBytes.fromUtf8String("{\"source\":\"test\"}")));
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
    }

    private List<String> executions(PipelineHarness stack) {
        return cloud.clients().sfn().listExecutions(r -> r.stateMachineArn(stack.pipeline().stateMachineArn())).executions()
                .stream().map(e -> e.name()).toList();
    }

    /** The task's stage history as the simulator recorded it (cancellations carry their reason). */
    private String history(String importTaskId) {
        for (JsonNode region : cloud.simulatorRecord().path("regions")) {
            for (JsonNode task : region.path("tasks")) {
                if (task.path("importTaskId").asText().equals(importTaskId)) return task.path("history").toString();
            }
        }
        throw new AssertionError("the simulator has no task " + importTaskId);
    }

    private static String functionName(String parameters) {
        try {
            return JSON.readTree(parameters).path("FunctionName").asText();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private String role(PipelineHarness stack, PipelineFunction f) {
        String arn = cloud.clients().lambda().getFunctionConfiguration(r -> r.functionName(stack.pipeline().functionNames().get(f))).role();
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    private static void sleepFor(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
