package dev.vm2ami.local.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.local.testfunctions.TestArtifact;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The host's SnapStart emulation: a worker initialised and primed before the first invocation. */
class FunctionHostSnapStartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HANDLER = "dev.vm2ami.local.testfunctions.PrimedHandler::handleRequest";

    @TempDir
    Path work;

    private static Invocation invocation() {
        return new Invocation("primed-fn", "arn:aws:lambda:us-east-1:123456789012:function:primed-fn", HANDLER, 30, 256,
                "us-east-1", Map.of(), "{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aPreparedFunctionMeetsItsFirstInvocationPrimedAndRestored() throws Exception {
        try (FunctionHost host = FunctionHost.start(TestArtifact.build(work), work, Map.of(), 2, true)) {
            assertThat(host.prepare(invocation())).as("prepared").isEmpty();

            InvocationResult result = host.invoke(invocation());

            assertThat(result.functionError()).as(result.payloadText()).isFalse();
            JsonNode payload = JSON.readTree(result.payload());
            assertThat(payload.path("primed").asBoolean()).as("beforeCheckpoint ran").isTrue();
            assertThat(payload.path("restored").asBoolean()).as("afterRestore ran").isTrue();
            assertThat(payload.path("initType").asText()).isEqualTo("snap-start");
        }
    }

    @Test
    void withoutTheEmulationNothingIsPreparedOrPrimed() throws Exception {
        try (FunctionHost host = FunctionHost.start(TestArtifact.build(work), work, Map.of(), 2)) {
            assertThat(host.prepare(invocation())).isEmpty();

            JsonNode payload = JSON.readTree(host.invoke(invocation()).payload());

            assertThat(payload.path("primed").asBoolean()).isFalse();
            assertThat(payload.path("initType").asText()).isEqualTo("on-demand");
        }
    }
}
