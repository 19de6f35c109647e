package dev.vm2ami.local.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.sampleimages.SampleImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commands that work on a deployed pipeline's account, on the local cloud: {@code ./vm2ami redrive}
 * (an S3 event the start function once gave up on waits in the intake dead-letter queue; the redrive
 * puts it back, and the image is imported) and {@code ./vm2ami check s3://BUCKET/KEY} (ranged reads).
 */
@ExtendWith(LocalCloudExtension.class)
class RedriveAndRemoteCheckTest {
    static PipelineHarness harness;

    @AfterAll
    static void tearDown() {
        if (harness != null) harness.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    private record Run(int exit, String out, String err) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Vm2amiCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String run(LocalCloud cloud, String... args) {
        List<String> all = new ArrayList<>(List.of("redrive", "--endpoint-url", cloud.endpoint().toString(), "--region",
                cloud.region(), "--queue-url", harness.pipeline().queueUrl(), "--dead-letter-queue-url",
                harness.pipeline().deadLetterQueueUrl()));
        all.addAll(List.of(args));
        Run run = cli(all.toArray(String[]::new));
        assertThat(run.exit()).as(run.err()).isZero();
        return run.out();
    }

    private static Run check(LocalCloud cloud, String... args) {
        List<String> all = new ArrayList<>(List.of("check", "--endpoint-url", cloud.endpoint().toString(), "--region", cloud.region()));
        all.addAll(List.of(args));
        return cli(all.toArray(String[]::new));
    }

    @Test
    void checksS3ObjectsByRangedReadsWithoutDownloadingThem(LocalCloud cloud) throws Exception {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        var s3 = cloud.clients().s3();
        s3.createBucket(b -> b.bucket("check-images"));
        s3.putObject(p -> p.bucket("check-images").key("disks/good.raw"), RequestBody.fromBytes(SampleImages.rawWithLinuxPartition(8 << 20)));
        s3.putObject(p -> p.bucket("check-images").key("disks/empty.raw"), RequestBody.empty());

        Run both = check(cloud, "s3://check-images/disks/good.raw", "s3://check-images/disks/empty.raw");
        assertThat(both.exit()).as(both.err()).isEqualTo(1);
        assertThat(both.out()).contains("s3://check-images/disks/good.raw: ACCEPT", "s3://check-images/disks/empty.raw: REJECT",
                "EMPTY_IMAGE");

        Run json = check(cloud, "--json", "s3://check-images/disks/good.raw");
        assertThat(json.exit()).as(json.err()).isZero();
        var report = new ObjectMapper().readTree(json.out());
        assertThat(report.path("file").asText()).isEqualTo("s3://check-images/disks/good.raw");
        assertThat(report.path("rangeRequests").asInt()).isPositive();
        assertThat(report.path("bytesRead").asLong()).as("a few blocks, not the 8 MiB object").isLessThan(8L << 20);

        Run missing = check(cloud, "s3://check-images/disks/missing.raw");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("s3://check-images/disks/missing.raw: no such object");
        assertThat(check(cloud, "s3://check-images").err()).contains("not an S3 location");
    }

    private static int deadLetters(LocalCloud cloud) {
        return Integer.parseInt(cloud.clients().sqs().getQueueAttributes(r -> r.queueUrl(harness.pipeline().deadLetterQueueUrl())
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    @Test
    void movesADeadLetterBackToTheIntakeQueueAndTheImageIsImported(LocalCloud cloud) throws Exception {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        harness = new PipelineHarness(cloud);
        // Mixed case: S3's case-sensitive suffix filters send no event for it, so only the redrive starts it.
        String key = "redrive/web-01.Raw";
        String bucket = harness.pipeline().bucket();
        PutObjectResponse put = cloud.clients().s3().putObject(p -> p.bucket(bucket).key(key),
                RequestBody.fromBytes(SampleImages.rawWithLinuxPartition(1 << 20)));
        ObjectMapper json = new ObjectMapper();
        ObjectNode event = (ObjectNode) json.readTree(Path.of("events/s3/object-created-put.json").toFile());
        ObjectNode record = (ObjectNode) event.path("Records").get(0);
        record.put("awsRegion", cloud.region()).put("eventTime", Instant.now().toString()).put("eventName", "ObjectCreated:Put");
        ((ObjectNode) record.path("s3").path("bucket")).put("name", bucket).put("arn", "arn:aws:s3:::" + bucket);
        ((ObjectNode) record.path("s3").path("object")).put("key", key).put("size", 1 << 20)
                .put("eTag", put.eTag().replace("\"", "")).put("versionId", put.versionId()).put("sequencer", "0055AED6DCD90281E6");
        cloud.clients().sqs().sendMessage(r -> r.queueUrl(harness.pipeline().deadLetterQueueUrl()).messageBody(event.toString()));
        assertThat(deadLetters(cloud)).isEqualTo(1);

        assertThat(run(cloud, "--dry-run")).contains("would move 1 message").contains(key);
        assertThat(deadLetters(cloud)).as("a dry run moves nothing").isEqualTo(1);
        assertThat(harness.notificationsFor(key)).isEmpty();

        assertThat(run(cloud)).contains("moved 1 message").contains(key);
        assertThat(deadLetters(cloud)).isZero();
        assertThat(harness.awaitNotification(key, Duration.ofSeconds(300)).status()).isEqualTo("SUCCEEDED");
        assertThat(run(cloud)).contains("moved 0 messages");
    }
}
