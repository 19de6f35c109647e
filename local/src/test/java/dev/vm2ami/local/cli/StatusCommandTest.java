package dev.vm2ami.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.importtask.ImportStages;
import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.wiring.StackOutputs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ./vm2ami status} against the local cloud with the pipeline deployed: an image seen while its
 * import runs (stage, progress, ETA), then finished, and a rejected one; the state machine found
 * from a CloudFormation stack's output, or by the name the stack gives it.
 */
@ExtendWith(LocalCloudExtension.class)
class StatusCommandTest {
    static final Duration LIMIT = Duration.ofSeconds(300);
    static final String STUCK = "status/never-boots.raw";
    static final String EMPTY = "status/empty.raw";
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> IMPORT_STAGES = ImportStages.measured().all().stream().map(ImportStages.Stage::name).toList();

    static PipelineHarness harness;
    static String endpoint;
    static String region;

    @BeforeAll
    static void deploy(LocalCloud cloud) {
        // The command uses the SDK's default credentials, as it would in a shell with AWS_ACCESS_KEY_ID set.
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        harness = new PipelineHarness(cloud);
        endpoint = cloud.endpoint().toString();
        region = cloud.region();
    }

    @AfterAll
    static void tearDown() {
        harness.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private record Run(int exit, String out, String err) {}

    private static Run status(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Vm2amiCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("status", "--endpoint-url", endpoint, "--region", region));
        all.addAll(List.of(args));
        int exit = cli.execute(all.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static JsonNode image(Run run, String key) throws Exception {
        assertThat(run.exit()).as(run.err()).isZero();
        for (JsonNode i : JSON.readTree(run.out())) {
            if (i.path("key").asText().equals(key)) return i;
        }
        return null;
    }

    @Test
    void showsAnImportInFlightWithItsStageProgressAndEtaThenHowItEnded() throws Exception {
        // EC2 sometimes loops in 'booting' forever: vm2ami cancels and retries it (3 attempts), which gives the
        // check step time to see the stage whatever the load on the machine (a quick import may be over first).
        harness.drop(STUCK, SampleImages.rawWithLinuxPartition(1 << 20), "stuck-booting");
        // Look until the import is seen in one of its stages (with a progress and an ETA), or it ends.
        JsonNode seen = null;
        List<String> observed = new ArrayList<>();
        long until = System.nanoTime() + LIMIT.toNanos();
        while (seen == null && System.nanoTime() < until && harness.notificationsFor(STUCK).isEmpty()) {
            JsonNode i = image(status("--json"), STUCK);
            if (i != null) observed.add(i.path("status").asText() + "/" + i.path("stage").asText());
            if (i != null && i.path("status").asText().equals("RUNNING") && IMPORT_STAGES.contains(i.path("stage").asText())) {
                seen = i;
            }
            Thread.sleep(300);
        }
        assertThat(seen).as("the import seen in one of its stages; seen: %s", observed).isNotNull();
        assertThat(seen.path("progress").isInt()).isTrue();
        assertThat(seen.path("progress").asInt()).isBetween(0, 99);
        assertThat(seen.path("etaSeconds").isNumber()).isTrue();
        assertThat(seen.path("attempts").asInt()).isBetween(1, 3);
        assertThat(seen.path("executionName").asText()).startsWith("never-boots-raw-");
        assertThat(Instant.parse(seen.path("startedAt").asText())).isBefore(Instant.now());
        // The model at this cloud's time scale says 1800 s x 0.002 = 3.6 s; the ETA scales that by the pace the
        // import has shown (at most 64 times), less the time already taken.
        assertThat(seen.path("etaSeconds").asLong()).isBetween(0L, Math.round(1800 * 0.002 * 64));

        Run table = status();
        assertThat(table.out()).containsPattern("[1-9]\\d* in flight").containsPattern("(?m)^" + STUCK + " +[a-z]");

        // --watch --until-done redraws until nothing is in flight, then stops.
        CompletableFuture<Run> watching = CompletableFuture.supplyAsync(() -> status("--watch", "1", "--until-done"));
        assertThat(harness.awaitNotification(STUCK, LIMIT).status()).isEqualTo("FAILED");
        Run watched = watching.get(60, TimeUnit.SECONDS);
        assertThat(watched.exit()).isZero();
        assertThat(watched.out().split("\033\\[H\033\\[2J", -1).length - 1).as("redraws").isGreaterThanOrEqualTo(2);
        assertThat(watched.out()).contains("0 in flight");

        JsonNode done = image(status("--json"), STUCK);
        assertThat(done.path("status").asText()).isEqualTo("FAILED");
        assertThat(done.path("stage").asText()).isEqualTo("failed");
        assertThat(done.path("detail").asText()).isEqualTo("STUCK");
        assertThat(done.path("attempts").asInt()).isEqualTo(3);
        assertThat(done.path("etaSeconds").isNull()).isTrue();
    }

    @Test
    void showsARejectedImageWithTheFindingThatRejectedIt() throws Exception {
        harness.drop(EMPTY, new byte[0], null);
        assertThat(harness.awaitNotification(EMPTY, LIMIT).status()).isEqualTo("REJECTED");
        JsonNode i = null;
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until && (i == null || i.path("status").asText().equals("RUNNING"))) {
            i = image(status("--json"), EMPTY);
            Thread.sleep(200);
        }
        assertThat(i).isNotNull();
        assertThat(i.path("status").asText()).isEqualTo("REJECTED");
        assertThat(i.path("stage").asText()).isEqualTo("rejected");
        assertThat(i.path("attempts").asInt()).isZero();
        assertThat(i.path("detail").asText()).isEqualTo("EMPTY_IMAGE");
        assertThat(status().out()).contains(EMPTY).contains("rejected").contains("EMPTY_IMAGE");
    }

    @Test
    void findsTheStateMachineFromTheStacksOutput() throws Exception {
        String arn = harness.pipeline().stateMachineArn();
        try (CloudFormationClient cfn = CloudFormationClient.builder().endpointOverride(harness.cloud().endpoint())
                .region(software.amazon.awssdk.regions.Region.of(region)).build()) {
            cfn.createStack(r -> r.stackName("team-pipeline").templateBody("""
                    {"Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
                     "Outputs": {"%s": {"Value": "%s"}}}""".formatted(StackOutputs.STATE_MACHINE_ARN, arn)));
        }
        Run run = status("--stack", "team-pipeline");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith(arn + ":");
    }

    @Test
    void findsTheStateMachineByTheStacksNameWhenNoStackWasDeployed() {
        Run run = status("--stack", "vm2ami");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith(harness.pipeline().stateMachineArn() + ":");
    }

    @Test
    void saysWhatItLookedForWhenThereIsNoSuchPipeline() {
        Run run = status("--stack", "nobody");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("no stack 'nobody'").contains("nobody-import-image").contains("--state-machine-arn");
    }
}
