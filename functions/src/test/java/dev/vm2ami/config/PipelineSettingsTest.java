package dev.vm2ami.config;

import dev.vm2ami.wiring.EnvKeys;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineSettingsTest {

    @Test
    void survivesTheTripThroughEnvironmentVariables() {
        PipelineSettings settings = new PipelineSettings("incoming/", "uefi", "auto", "byol", "platform",
                Map.of("CostCenter", "42", "Owner", "migration team"), "arn:aws:kms:us-east-1:1:key/k", "vm2ami-prod-vmimport", 5,
                "{stem}-{date}", "1.2.3", "cancel",
                new PipelineSettings.Timing(1.0, 90, 10, 3600, 4, Map.of("booting", 1800), 30, 600, 60),
                new DistributionOptions(new DistributionOptions.ShareWith(java.util.List.of("111122223333"),
                        java.util.List.of("arn:aws:organizations::111122223333:organization/o-abcde12345"), java.util.List.of()),
                        java.util.List.of("eu-west-1", "us-west-2"),
                        Map.of("eu-west-1", "arn:aws:kms:eu-west-1:111122223333:key/k-1"), "/images/{stem}/latest", 90, "v2.0", "tag"));

        assertThat(PipelineSettings.fromEnvironment(settings.toEnvironment())).isEqualTo(settings);
        assertThat(settings.defaultLicenseType()).isEqualTo("BYOL");
    }

    @Test
    void anEmptyEnvironmentGivesTheDefaults() {
        assertThat(PipelineSettings.fromEnvironment(Map.of())).isEqualTo(PipelineSettings.defaults());
    }

    @Test
    void aBadValueIsRefusedWithTheKeyAndTheAllowedValues() {
        Map<String, String> env = new HashMap<>(Map.of(EnvKeys.DEFAULT_BOOT_MODE, "bios"));

        assertThatThrownBy(() -> PipelineSettings.fromEnvironment(env)).hasMessageContaining(EnvKeys.DEFAULT_BOOT_MODE)
                .hasMessageContaining("legacy-bios").hasMessageContaining("uefi").hasMessageContaining("bios");
        assertThatThrownBy(() -> PipelineSettings.fromEnvironment(Map.of(EnvKeys.SHARE_WITH, "{\"accounts\": [\"123\"]}")))
                .hasMessageContaining("shareWith.accounts").hasMessageContaining("'123'");
        assertThatThrownBy(() -> PipelineSettings.fromEnvironment(Map.of(EnvKeys.POLL_SECONDS, "soon")))
                .hasMessageContaining(EnvKeys.POLL_SECONDS).hasMessageContaining("whole number");
        assertThatThrownBy(() -> PipelineSettings.fromEnvironment(Map.of(EnvKeys.MIN_POLL_SECONDS, "200")))
                .hasMessageContaining(EnvKeys.POLL_SECONDS).hasMessageContaining("at least 200");
        assertThatThrownBy(() -> PipelineSettings.fromEnvironment(Map.of(EnvKeys.EXTRA_TAGS, "aws:owner=me")))
                .hasMessageContaining(EnvKeys.EXTRA_TAGS).hasMessageContaining("aws:");
    }

    @Test
    void stallThresholdsAreOneNumberOrOnePerStage() {
        assertThat(PipelineSettings.stallSeconds("3600")).containsExactly(Map.entry("*", 3600));
        assertThat(PipelineSettings.stallSeconds("booting=1800,converting=7200"))
                .containsEntry("booting", 1800).containsEntry("converting", 7200);
        assertThatThrownBy(() -> PipelineSettings.stallSeconds("booting")).hasMessageContaining("whole number");
    }
}
