package dev.vm2ami.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.wiring.PipelineFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** An execution that dies after ImportImage leaves a task no one watches; the reconciler adopts it. */
@ExtendWith(LocalCloudExtension.class)
class ReconcileScenarioTest {

    @Test
    void anImportTaskWhoseExecutionDiedIsAdoptedAndStillEndsInOneNotification(LocalCloud cloud) throws Exception {
        try (PipelineHarness harness = new PipelineHarness(cloud)) {
            String key = "wave-4/orphan.raw";
            harness.drop(key, SampleImages.rawWithLinuxPartition(1 << 20), "slow");
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (harness.importTasksFor(key).isEmpty() && System.nanoTime() < until) Thread.sleep(100);
            JsonNode task = harness.importTasksFor(key).get(0);
            ExecutionListItem original = cloud.clients().sfn().listExecutions(r -> r.stateMachineArn(harness.pipeline().stateMachineArn()))
                    .executions().stream().filter(e -> e.name().startsWith("orphan-raw-")).findFirst().orElseThrow();

            cloud.clients().sfn().stopExecution(r -> r.executionArn(original.executionArn()).error("Crash").cause("simulated crash after ImportImage"));
            var invoked = cloud.clients().lambda().invoke(i -> i.functionName(harness.pipeline().functionNames().get(PipelineFunction.RECONCILE))
                    .payload(SdkBytes.fromUtf8String("{}")));
            JsonNode report = new ObjectMapper().readTree(invoked.payload().asByteArray());

            assertThat(invoked.functionError()).as(invoked.payload().asUtf8String()).isNull();
            assertThat(report.path("adopted")).extracting(JsonNode::asText).containsExactly(task.path("importTaskId").asText());
            Notifications.Received n = harness.awaitNotification(key, Duration.ofSeconds(180));
            assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
            assertThat(n.body().path("importTaskId").asText()).isEqualTo(task.path("importTaskId").asText());
            assertThat(n.body().path("executionName").asText()).contains("-adopt-");
            assertThat(harness.importTasksFor(key)).hasSize(1);
            Thread.sleep(2_000);
            assertThat(harness.notificationsFor(key)).hasSize(1);

            var again = cloud.clients().lambda().invoke(i -> i.functionName(harness.pipeline().functionNames().get(PipelineFunction.RECONCILE))
                    .payload(SdkBytes.fromUtf8String("{}")));
            assertThat(new ObjectMapper().readTree(again.payload().asByteArray()).path("adopted")).isEmpty();
        }
    }
}
