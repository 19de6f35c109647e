package dev.vm2ami.priming;

import dev.vm2ami.wiring.PipelineFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every function primes with the clients its public no-argument constructor builds, and nothing
 * leaves the process: the SDK's endpoint is a socket of this test's that counts connections.
 */
class PrimingTest {
    private static final Map<String, String> SETTINGS = Map.of(
            "aws.region", "us-east-1",
            "aws.accessKeyId", "AKIDPRIMINGTEST",
            "aws.secretAccessKey", "priming-test-secret");
    private static final Map<String, String> before = new HashMap<>();
    private static ServerSocket endpoint;
    private static final AtomicInteger connections = new AtomicInteger();

    @BeforeAll
    static void pointTheSdkAtASocketThatCountsConnections() throws IOException {
        endpoint = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!endpoint.isClosed()) {
                try (Socket s = endpoint.accept()) {
                    connections.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        }, "counting-endpoint");
        acceptor.setDaemon(true);
        acceptor.start();
        Map<String, String> settings = new HashMap<>(SETTINGS);
        settings.put("aws.endpointUrl", "http://127.0.0.1:" + endpoint.getLocalPort());
        settings.forEach((k, v) -> {
            before.put(k, System.getProperty(k));
            System.setProperty(k, v);
        });
    }

    @AfterAll
    static void restore() throws IOException {
        before.forEach((k, v) -> {
            if (v == null) System.clearProperty(k);
            else System.setProperty(k, v);
        });
        endpoint.close();
    }

    @ParameterizedTest
    @EnumSource(PipelineFunction.class)
    void primesWithItsRealClientsWithoutSendingAnything(PipelineFunction function) throws Exception {
        Object handler = Class.forName(function.handlerClassName()).getConstructor().newInstance();
        assertThat(handler).as(function.handlerClassName() + " primes itself").isInstanceOf(Primed.class);
        Primer primer = ((Primed) handler).primer().orElseThrow();

        Primer.Outcome outcome = primer.prime();

        assertThat(connections.get()).as("connections to the SDK's endpoint").isZero();
        assertThat(primer.lastOutcome()).contains(outcome);
        if (function == PipelineFunction.NOTIFY) {
            assertThat(outcome.awsCallsAnsweredLocally()).as("notify calls no AWS API").isZero();
            assertThat(outcome.stoppedBy()).isEmpty();
        } else {
            assertThat(outcome.awsCallsAnsweredLocally()).as(function.id() + " reached the SDK: " + outcome).isPositive();
        }
        // It ran through, or stopped at an answer given while priming; never at a bug of its own.
        outcome.stoppedBy().ifPresent(e -> assertThat(causeChain(e)).as(function.id() + ": " + e)
                .contains("Request ID: " + PrimingHttpClient.REQUEST_ID));
    }

    @org.junit.jupiter.api.Test
    void powertoolsMetricsPrimingLoadsItsClassesWithTheArtifactsLibraries() {
        // Powertools registers this hook itself; before aspectjrt shipped, its class preloading failed the checkpoint.
        org.assertj.core.api.Assertions.assertThatCode(() -> new software.amazon.lambda.powertools.metrics.MetricsFactory().beforeCheckpoint(null))
                .doesNotThrowAnyException();
    }

    private static String causeChain(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) s.append(t).append(" <- ");
        return s.toString();
    }
}
