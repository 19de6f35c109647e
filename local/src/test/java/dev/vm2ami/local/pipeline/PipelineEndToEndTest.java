package dev.vm2ami.local.pipeline;

import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.sampleimages.SampleImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(LocalCloudExtension.class)
class PipelineEndToEndTest {
    static PipelineResources pipeline;
    static Notifications inbox;
    static LocalCloud cloud;

    @BeforeAll
    static void deploy(LocalCloud c) {
        cloud = c;
        pipeline = LocalPipeline.deploy(c, LocalPipeline.settingsFor(c.options().timeScale()));
        inbox = new Notifications(c.clients().sqs(), pipeline.inboxQueueUrl());
    }

    static Notifications.Received awaitNotification(String key, Duration limit) throws Exception {
        long until = System.nanoTime() + limit.toNanos();
        List<Notifications.Received> seen = new ArrayList<>();
        while (System.nanoTime() < until) {
            for (Notifications.Received n : inbox.poll(1)) {
                if (n.key().equals(key)) return n;
                seen.add(n);
            }
        }
        throw new AssertionError("no notification for " + key + " within " + limit + "; others: " + seen
                + "\nfunction logs in " + cloud.functionLogs());
    }

    @Test
    void aGoodRawImageBecomesANamedTaggedAmiAndOneSucceededNotification() throws Exception {
        String key = "good/linux-disk.raw";
        cloud.clients().s3().putObject(p -> p.bucket(pipeline.bucket()).key(key), RequestBody.fromBytes(SampleImages.rawWithLinuxPartition(1 << 20)));

        Notifications.Received n = awaitNotification(key, Duration.ofSeconds(90));

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
        System.out.println(n.subject() + "\n" + n.attributes() + "\n" + n.body().toPrettyString());
        System.out.println(cloud.clients().ec2().describeImages(r -> r.imageIds(n.body().path("imageId").asText())).images());
        System.out.println("LOGS " + cloud.functionLogs());
    }
}
