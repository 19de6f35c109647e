package dev.vm2ami.inspect;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.ImportJob;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ImageOptionsResolverTest {
    final PipelineSettings defaults = new PipelineSettings("", "legacy-bios", "BYOL", "platform", Map.of("CostCenter", "42"),
            "", "vmimport", 0, PipelineSettings.DEFAULT_NAME_TEMPLATE, "1", "adopt", PipelineSettings.Timing.aws());
    final ImageOptionsResolver resolver = new ImageOptionsResolver(defaults);

    @Test
    void withoutManifestOrMetadataTheStacksDefaultsApply() {
        ImportJob.ImageOptions o = resolver.resolve("RAW", Map.of(), Optional.empty()).options();

        assertThat(o.team()).isEqualTo("platform");
        assertThat(o.bootMode()).isEqualTo("legacy-bios");
        assertThat(o.licenseType()).isEqualTo("BYOL");
        assertThat(o.tags()).containsEntry("CostCenter", "42");
    }

    @Test
    void metadataOverridesDefaultsAndTheManifestOverridesMetadata() {
        ImageOptionsResolver.Resolved r = resolver.resolve("VMDK",
                Map.of("vm2ami-team", "web", "vm2ami-boot-mode", "uefi", "vm2ami-tags", "App=shop,Env=prod", "unrelated", "x"),
                Optional.of("{\"team\": \"payments\", \"amiName\": \"payments-base\", \"tags\": {\"Env\": \"staging\"}}"));

        assertThat(r.problem()).isEmpty();
        assertThat(r.options().team()).isEqualTo("payments");
        assertThat(r.options().bootMode()).isEqualTo("uefi");
        assertThat(r.options().amiName()).isEqualTo("payments-base");
        assertThat(r.options().tags()).containsEntry("App", "shop").containsEntry("Env", "staging").containsEntry("CostCenter", "42");
    }

    @Test
    void invalidOptionsAreReportedNotGuessed() {
        assertThat(resolver.resolve("RAW", Map.of("vm2ami-boot-mode", "bios"), Optional.empty()).problem()).get().asString()
                .contains("legacy-bios or uefi");
        assertThat(resolver.resolve("RAW", Map.of(), Optional.of("{not json")).problem()).get().asString().contains("not valid JSON");
        assertThat(resolver.resolve("RAW", Map.of(), Optional.of("{\"colour\": \"blue\"}")).problem()).get().asString()
                .contains("unknown field 'colour'");
        assertThat(resolver.resolve("RAW", Map.of(), Optional.of("{\"licenseType\": \"free\"}")).problem()).get().asString()
                .contains("AWS or BYOL");
    }
}
