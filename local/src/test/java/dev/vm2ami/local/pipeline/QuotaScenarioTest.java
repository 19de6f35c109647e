package dev.vm2ami.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.testing.LocalCloudConfig;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.sampleimages.SampleImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A migration wave larger than the account's import quota, on both paths: every image imports, never more than
 * the quota of each kind of task at once (the simulator counts image and snapshot tasks apart, as two quotas).
 */
@ExtendWith(LocalCloudExtension.class)
@LocalCloudConfig(importQuota = 2)
class QuotaScenarioTest {

    @Test
    void eighteenImagesOnBothPathsDroppedAtOnceUnderAQuotaOfTwoAllSucceedWithNeverMoreThanTwoOfAKindActive(LocalCloud cloud) {
        try (PipelineHarness harness = new PipelineHarness(cloud)) {
            byte[] image = SampleImages.rawWithLinuxPartition(1 << 20);
            List<String> keys = new ArrayList<>();
            for (int i = 1; i <= 12; i++) keys.add(String.format("wave-2/server-%02d.raw", i));
            keys.forEach(k -> harness.drop(k, image, null));
            List<String> graviton = new ArrayList<>();
            for (int i = 1; i <= 6; i++) graviton.add(String.format("wave-2/graviton-%02d.raw", i));
            byte[] arm64 = SampleImages.arm64DebianUefi();
            graviton.forEach(k -> harness.drop(k, arm64, null));
            keys.addAll(graviton);

            for (String key : keys) {
                Notifications.Received n = harness.awaitNotification(key, Duration.ofSeconds(240));
                assertThat(n.status()).as(key + ": " + n.body()).isEqualTo("SUCCEEDED");
            }

            JsonNode record = cloud.simulatorRecord();
            JsonNode region = record.path("regions").elements().next();
            assertThat(region.path("maxConcurrentActiveByKind").path("image").asInt()).isEqualTo(2);
            assertThat(region.path("maxConcurrentActiveByKind").path("snapshot").asInt()).isEqualTo(2);
            assertThat(record.path("rejectedForQuota").asInt()).as("the quota was really hit").isPositive();
            assertThat(region.path("tasks")).hasSize(18);
            keys.forEach(k -> assertThat(harness.notificationsFor(k)).hasSize(1));
        }
    }
}
