package dev.vm2ami.local.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.local.testfunctions.TestArtifact;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FunctionHostTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static FunctionHost host;

    @BeforeAll
    static void startHost() throws Exception {
        host = FunctionHost.start(TestArtifact.build(work), work, Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9"), 2);
    }

    @AfterAll
    static void stopHost() {
        host.close();
    }

    private static Invocation invocation(String handler, int timeoutSeconds, String event) {
        return invocation("test-fn", handler, timeoutSeconds, event);
    }

    private static Invocation invocation(String name, String handler, int timeoutSeconds, String event) {
        return new Invocation(name, "arn:aws:lambda:us-east-1:123456789012:function:" + name,
                handler, timeoutSeconds, 256, "us-east-1", Map.of("GREETING", "hello"),
                event.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void runsTheHandlerUnderTheRuntimeInterfaceClientWithTheFunctionsOwnEnvironment() throws Exception {
        InvocationResult result = host.invoke(invocation("echo-fn", "dev.vm2ami.local.testfunctions.EchoHandler::handleRequest", 30,
                "{\"n\": 1}"));

        assertThat(result.functionError()).as(result.payloadText()).isFalse();
        JsonNode payload = JSON.readTree(result.payload());
        assertThat(payload.path("n").asInt()).isEqualTo(1);
        assertThat(payload.path("greeting").asText()).isEqualTo("hello");
        assertThat(payload.path("functionName").asText()).isEqualTo("echo-fn");
        assertThat(payload.path("developerShellLeaks").asBoolean()).isFalse();
        assertThat(eventually("echo {n=1}", () -> java.nio.file.Files.readString(host.logDirectory().resolve("echo-fn.log"))))
                .contains("echo {n=1}");
    }

    private static String eventually(String expected, java.util.concurrent.Callable<String> read) throws Exception {
        // The worker's output reaches its log file a moment after its response.
        long until = System.currentTimeMillis() + 10_000;
        String text = read.call();
        while (!text.contains(expected) && System.currentTimeMillis() < until) {
            Thread.sleep(50);
            text = read.call();
        }
        return text;
    }

    @Test
    void aThrowingHandlerIsAFunctionErrorWithLambdasErrorDocument() throws Exception {
        InvocationResult result = host.invoke(invocation("dev.vm2ami.local.testfunctions.FailingHandler::handleRequest", 30, "{}"));

        assertThat(result.functionError()).isTrue();
        JsonNode error = JSON.readTree(result.payload());
        assertThat(error.path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.path("errorMessage").asText()).isEqualTo("cannot process this batch");
    }

    @Test
    void anInvocationThatOutlivesItsTimeoutFailsAsLambdaReportsIt() throws Exception {
        InvocationResult result = host.invoke(invocation("dev.vm2ami.local.testfunctions.EchoHandler::handleRequest", 1,
                "{\"sleepMs\": 5000}"));

        assertThat(result.functionError()).isTrue();
        assertThat(JSON.readTree(result.payload()).path("errorMessage").asText()).contains("Task timed out after 1.00 seconds");
    }

    @Test
    void aMissingHandlerClassFailsTheInvocationWithTheRuntimesMessage() throws Exception {
        InvocationResult result = host.invoke(invocation("dev.vm2ami.local.testfunctions.NoSuchHandler::handleRequest", 30, "{}"));

        assertThat(result.functionError()).isTrue();
        assertThat(result.payloadText()).contains("NoSuchHandler");
    }
}
