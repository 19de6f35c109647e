package dev.vm2ami.inspect;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.ImportJob;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ImageOptionsResolverTest {
    final PipelineSettings defaults = new PipelineSettings("", "legacy-bios", "auto", "BYOL", "platform", Map.of("CostCenter", "42"),
            "", "vmimport", 0, PipelineSettings.DEFAULT_NAME_TEMPLATE, "1", "adopt", PipelineSettings.Timing.aws(), null);
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
    void importModeComesFromTheManifestTheMetadataOrTheStacksDefault() {
        assertThat(resolver.resolve("RAW", Map.of(), Optional.empty()).options().importMode()).isEqualTo("auto");
        assertThat(resolver.resolve("RAW", Map.of("vm2ami-import-mode", "Snapshot"), Optional.empty()).options().importMode())
                .isEqualTo("snapshot");
        ImportJob.ImageOptions o = resolver.resolve("RAW", Map.of("vm2ami-import-mode", "snapshot"),
                Optional.of("{\"importMode\": \"image\", \"tpmSupport\": \"v2.0\"}")).options();
        assertThat(o.importMode()).isEqualTo("image");
        assertThat(o.tpmSupport()).isEqualTo("v2.0");
    }

    @Test
    void rejectsAnImportModeItDoesNotKnow() {
        assertThat(resolver.resolve("RAW", Map.of(), Optional.of("{\"importMode\": \"ami\"}")).problem()).get().asString()
                .contains("importMode must be image, snapshot or auto, was 'ami'");
        assertThat(resolver.resolve("RAW", Map.of("vm2ami-tpm-support", "v1"), Optional.empty()).problem()).get().asString()
                .contains("tpmSupport must be v2.0");
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

    @Test
    void rejectsTagsEc2WouldRefuseBeforeAnythingIsImported() {
        assertThat(resolver.resolve("RAW", Map.of(), Optional.of("{\"tags\": {\"aws:owner\": \"me\"}}")).problem())
                .hasValueSatisfying(p -> assertThat(p).contains("aws:owner").contains("reserved"));
        assertThat(resolver.resolve("RAW", Map.of(), Optional.of("{\"tags\": {\"AWS:Owner\": \"me\"}}")).problem()).isPresent();
        assertThat(resolver.resolve("RAW", Map.of(), Optional.of("{\"tags\": {\"" + "k".repeat(129) + "\": \"v\"}}")).problem())
                .hasValueSatisfying(p -> assertThat(p).contains("at most 128"));
        assertThat(resolver.resolve("RAW", Map.of(), Optional.of("{\"tags\": {\"k\": \"" + "v".repeat(257) + "\"}}")).problem())
                .hasValueSatisfying(p -> assertThat(p).contains("at most 256"));
        assertThat(resolver.resolve("RAW", Map.of(), Optional.of("{\"tags\": {\"k\": \"" + "v".repeat(256) + "\"}}")).problem()).isEmpty();
    }

    @Test
    void leavesRoomForTheProvenanceTagsWithinEc2sFiftyPerResource() {
        // The stack's defaults bring one tag (CostCenter); 39 more make 40 of the user's own: allowed.
        StringBuilder ok = new StringBuilder("{\"tags\": {");
        for (int i = 0; i < 39; i++) ok.append(i == 0 ? "" : ",").append("\"t").append(i).append("\": \"v\"");
        assertThat(resolver.resolve("RAW", Map.of(), Optional.of(ok + "}}")).problem()).isEmpty();
        assertThat(resolver.resolve("RAW", Map.of(), Optional.of(ok + ", \"one-more\": \"v\"}}")).problem())
                .hasValueSatisfying(p -> assertThat(p).contains("41 tags").contains("at most 40 of your own"));
    }

    @Test
    void aRejectedManifestKeepsItsTeamSoThatTheTeamHearsOfIt() {
        ImageOptionsResolver.Resolved r = resolver.resolve("RAW", Map.of(), Optional.of("{\"team\": \"payments\", \"bootMode\": \"bios\"}"));
        ImageOptionsResolver.Resolved unknownField = resolver.resolve("RAW", Map.of(),
                Optional.of("{\"colour\": \"blue\", \"team\": \"payments\"}"));
        ImageOptionsResolver.Resolved metadataTeam = resolver.resolve("RAW", Map.of("vm2ami-team", "web"), Optional.of("{not json"));

        assertThat(r.problem()).get().asString().contains("bios");
        assertThat(r.options().team()).isEqualTo("payments");
        assertThat(unknownField.problem()).get().asString().contains("colour");
        assertThat(unknownField.options().team()).isEqualTo("payments");
        assertThat(metadataTeam.problem()).isPresent();
        assertThat(metadataTeam.options().team()).isEqualTo("web");
    }

    @Test
    void saysWhereAManifestIsMalformedInPlainWords() {
        String problem = resolver.resolve("RAW", Map.of(), Optional.of("{\"team\": \"payments\",\n  }")).problem().orElseThrow();

        assertThat(problem).isEqualTo("the sidecar manifest is not valid JSON: line 2, column 3: unexpected character '}': "
                + "was expecting double-quote to start field name");
        assertThat(resolver.resolve("RAW", Map.of(), Optional.of("{\"team\": ")).problem()).get().asString()
                .isEqualTo("the sidecar manifest is not valid JSON: line 1, column 10: the text ends before the JSON does (a closing quote, } or ] is missing)")
                .doesNotContain("StreamReadFeature").doesNotContain("Source:").doesNotContain("[");
    }

    @Test
    void aTagTheAwsCliShorthandSplitOffIsAFindingNotLostSilently() {
        // aws s3 cp --metadata vm2ami-tags=App=shop,Env=prod sends these two headers
        ImageOptionsResolver.Resolved split = resolver.resolve("RAW", Map.of("vm2ami-tags", "App=shop", "env", "prod"), Optional.empty());

        assertThat(split.problem()).get().asString().contains("x-amz-meta-env: prod").contains("';'")
                .contains("vm2ami-tags=App=shop;Env=prod");
    }

    @Test
    void semicolonsSeparateTagsInMetadataAsCommasDo() {
        ImageOptionsResolver.Resolved r = resolver.resolve("RAW", Map.of("vm2ami-tags", "App=shop;Env=prod", "mtime", "1700000000"),
                Optional.empty());

        assertThat(r.problem()).isEmpty();
        assertThat(r.options().tags()).containsEntry("App", "shop").containsEntry("Env", "prod");
    }

    @Test
    void aDescriptionLongerThanAnAmisIsRefused() {
        assertThat(resolver.resolve("RAW", Map.of(), Optional.of("{\"description\": \"" + "d".repeat(256) + "\"}")).problem())
                .get().asString().contains("at most 255 characters");
        assertThat(resolver.resolve("RAW", Map.of(), Optional.of("{\"description\": \"payments base\"}")).options().description())
                .isEqualTo("payments base");
    }
}
