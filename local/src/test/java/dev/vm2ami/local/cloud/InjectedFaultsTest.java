package dev.vm2ami.local.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.local.testing.LocalCloudExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

import java.time.Duration;
import java.util.List;

import static dev.vm2ami.local.cloud.ImportImageSimulatorTest.GOOD_RAW;
import static dev.vm2ami.local.cloud.ImportImageSimulatorTest.describe;
import static dev.vm2ami.local.cloud.ImportImageSimulatorTest.importImage;
import static dev.vm2ami.local.cloud.ImportImageSimulatorTest.upload;
import static dev.vm2ami.local.cloud.ImportImageSimulatorTest.walk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The faults AWS shows now and then, injected per object with the S3 object tag {@code simulate}. */
@ExtendWith(LocalCloudExtension.class)
class InjectedFaultsTest {
    static final String SERVER_ERROR = "ServerError: an internal error has occurred during conversion.";

    @BeforeAll
    static void setUp(LocalCloud cloud) {
        ImportImageSimulatorTest.createBucketAndServiceRole(cloud);
    }

    @Test
    void serverErrorOnceFailsTheFirstTaskAndLetsTheSecondTaskForTheSameObjectComplete() throws Exception {
        String key = upload(GOOD_RAW, "server-error-once");

        List<String> first = walk(importImage(key, "raw").importTaskId(), Duration.ofSeconds(30));
        List<String> second = walk(importImage(key, "raw").importTaskId(), Duration.ofSeconds(30));

        assertThat(first).contains("active:" + SERVER_ERROR).last().isEqualTo("deleted:" + SERVER_ERROR);
        assertThat(second).last().isEqualTo("completed:");
    }

    @Test
    void serverErrorAlwaysFailsEveryTask() throws Exception {
        String key = upload(GOOD_RAW, "server-error-always");

        assertThat(walk(importImage(key, "raw").importTaskId(), Duration.ofSeconds(30))).last().isEqualTo("deleted:" + SERVER_ERROR);
        assertThat(walk(importImage(key, "raw").importTaskId(), Duration.ofSeconds(30))).last().isEqualTo("deleted:" + SERVER_ERROR);
    }

    @Test
    void stuckBootingStaysInBootingWithFrozenProgressUntilCancelled() throws Exception {
        String taskId = importImage(upload(GOOD_RAW, "stuck-booting"), "raw").importTaskId();
        while (!"booting".equals(describe(taskId).statusMessage())) Thread.sleep(50);
        String progress = describe(taskId).progress();

        Thread.sleep(2_000); // longer than the whole import takes at this time scale

        assertThat(describe(taskId).status()).isEqualTo("active");
        assertThat(describe(taskId).statusMessage()).isEqualTo("booting");
        assertThat(describe(taskId).progress()).isEqualTo(progress).isEqualTo("59");
        ImportImageSimulatorTest.ec2.cancelImportTask(r -> r.importTaskId(taskId));
        assertThat(walk(taskId, Duration.ofSeconds(30))).last().asString().startsWith("deleted:");
    }

    @Test
    void unknownOsFailsAfterConvertingAsAwsReportsIt() throws Exception {
        List<String> seen = walk(importImage(upload(GOOD_RAW, "unknown-os"), "raw").importTaskId(), Duration.ofSeconds(30));

        assertThat(seen).contains("active:converting").doesNotContain("active:updating");
        assertThat(seen).last().isEqualTo("deleted:ClientError: Unknown OS / Missing OS files.");
    }

    @Test
    void slowStretchesEveryStageFiveFold() throws Exception {
        String normal = importImage(upload(GOOD_RAW, null), "raw").importTaskId();
        String slow = importImage(upload(GOOD_RAW, "slow"), "raw").importTaskId();

        walk(normal, Duration.ofSeconds(30));

        assertThat(describe(slow).status()).isEqualTo("active");
        assertThat(walk(slow, Duration.ofSeconds(60))).last().isEqualTo("completed:");
    }

    @Test
    void throttleDescribeAnswersRequestLimitExceededInRunsLongerThanTheSdksRetries(LocalCloud cloud) throws Exception {
        String taskId = importImage(upload(GOOD_RAW, "throttle-describe"), "raw").importTaskId();
        try (Ec2Client noRetries = Ec2Client.builder().endpointOverride(cloud.endpoint())
                .region(software.amazon.awssdk.regions.Region.of(cloud.region()))
                .credentialsProvider(() -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("a", "b"))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(s -> s.maxAttempts(1)))
                .build()) {
            int throttled = 0;
            int answered = 0;
            for (int i = 0; i < 12; i++) {
                try {
                    noRetries.describeImportImageTasks(r -> r.importTaskIds(taskId));
                    answered++;
                } catch (Ec2Exception e) {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded");
                    throttled++;
                }
            }
            assertThat(throttled).isGreaterThanOrEqualTo(7);
            assertThat(answered).isGreaterThanOrEqualTo(1);
        }
        JsonNode record = cloud.simulatorRecord();
        assertThat(record.toString()).contains(taskId);
    }
}
