package dev.vm2ami.local.pipeline;

import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.sampleimages.SampleImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(LocalCloudExtension.class)
class PermissionsScenarioTest {

    @Test
    void aMissingVmImportServiceRoleFailsTheImageWithPermissionsAndNamesTheRole(LocalCloud cloud) {
        try (PipelineHarness harness = new PipelineHarness(cloud)) {
            String role = harness.pipeline().vmimportRoleName();
            var iam = cloud.clients().iam();
            iam.listRolePolicies(r -> r.roleName(role)).policyNames()
                    .forEach(p -> iam.deleteRolePolicy(d -> d.roleName(role).policyName(p)));
            iam.deleteRole(r -> r.roleName(role));

            harness.drop("wave-3/app.raw", SampleImages.rawWithLinuxPartition(1 << 20), null);
            Notifications.Received n = harness.awaitNotification("wave-3/app.raw", Duration.ofSeconds(120));

            assertThat(n.status()).isEqualTo("FAILED");
            assertThat(n.attributes()).containsEntry("category", "PERMISSIONS");
            assertThat(n.body().path("error").path("awsMessage").asText()).contains(role);
            assertThat(n.body().path("error").path("hint").asText()).contains("vmie.amazonaws.com");
            assertThat(harness.importTasksFor("wave-3/app.raw")).isEmpty();
        }
    }
}
