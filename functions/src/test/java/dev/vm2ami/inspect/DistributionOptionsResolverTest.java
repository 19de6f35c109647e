package dev.vm2ami.inspect;

import dev.vm2ami.config.DistributionOptions;
import dev.vm2ami.config.PipelineSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The distribution options of an image: manifest, metadata and the stack's defaults, validated before any import. */
class DistributionOptionsResolverTest {
    static final String ORG = "arn:aws:organizations::111122223333:organization/o-abcde12345";
    static final String OU = "arn:aws:organizations::111122223333:ou/o-abcde12345/ou-ab12-cdef3456";
    static final String EU_KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    final DistributionOptions stackDefaults = new DistributionOptions(
            new DistributionOptions.ShareWith(List.of("444455556666"), List.of(), List.of()), List.of("us-west-2"),
            Map.of("eu-west-1", EU_KEY), "", 30, "", "keep");
    final ImageOptionsResolver resolver = new ImageOptionsResolver(PipelineSettings.defaults().withDistribution(stackDefaults));
    final ImageOptionsResolver plain = new ImageOptionsResolver(PipelineSettings.defaults());

    @Test
    void aManifestWithEveryOptionIsReadAsWritten() {
        ImageOptionsResolver.Resolved r = plain.resolve("RAW", Map.of(), Optional.of("""
                {"shareWith": {"accounts": ["111122223333", "444455556666"], "organizationArns": ["%s"], "organizationalUnitArns": ["%s"]},
                 "copyToRegions": ["eu-west-1", "us-west-2"], "regionKmsKeys": {"eu-west-1": "%s"},
                 "ssmParameter": "/images/web/latest", "deprecateAfterDays": 90, "imdsSupport": "v2.0", "sourceDisposition": "tag"}
                """.formatted(ORG, OU, EU_KEY)));

        assertThat(r.problem()).isEmpty();
        DistributionOptions d = r.options().distribution();
        assertThat(d.shareWith().accounts()).containsExactly("111122223333", "444455556666");
        assertThat(d.shareWith().organizationArns()).containsExactly(ORG);
        assertThat(d.shareWith().organizationalUnitArns()).containsExactly(OU);
        assertThat(d.copyToRegions()).containsExactly("eu-west-1", "us-west-2");
        assertThat(d.regionKmsKeys()).containsExactly(Map.entry("eu-west-1", EU_KEY));
        assertThat(d.ssmParameter()).isEqualTo("/images/web/latest");
        assertThat(d.deprecateAfterDays()).isEqualTo(90);
        assertThat(d.imdsSupport()).isEqualTo("v2.0");
        assertThat(d.sourceDisposition()).isEqualTo("tag");
    }

    @Test
    void nothingAskedMeansNoDistributionInTheJob() {
        assertThat(plain.resolve("RAW", Map.of(), Optional.of("{\"team\": \"web\"}")).options().distribution()).isNull();
        assertThat(plain.resolve("RAW", Map.of(), Optional.of("{\"sourceDisposition\": \"keep\"}")).options().distribution()).isNull();
    }

    @Test
    void theStacksDefaultsApplyKeyByKeyAndKmsKeysMerge() {
        DistributionOptions d = resolver.resolve("RAW", Map.of(), Optional.of(
                "{\"copyToRegions\": [\"eu-west-1\"], \"regionKmsKeys\": {\"eu-central-1\": \"arn:aws:kms:eu-central-1:111122223333:key/k-1\"}}"))
                .options().distribution();

        assertThat(d.shareWith().accounts()).containsExactly("444455556666"); // the default
        assertThat(d.copyToRegions()).containsExactly("eu-west-1");          // the image's, instead of us-west-2
        assertThat(d.regionKmsKeys()).containsKeys("eu-west-1", "eu-central-1");
        assertThat(d.deprecateAfterDays()).isEqualTo(30);
    }

    @Test
    void metadataCarriesTheTextOptions() {
        DistributionOptions d = plain.resolve("RAW", Map.of("vm2ami-share-with-accounts", "111122223333, 444455556666",
                "vm2ami-copy-to-regions", "eu-west-1", "vm2ami-ssm-parameter", "/images/{stem}/latest",
                "vm2ami-deprecate-after-days", "90", "vm2ami-imds-support", "v2.0", "vm2ami-source-disposition", "delete"),
                Optional.empty()).options().distribution();

        assertThat(d.shareWith().accounts()).containsExactly("111122223333", "444455556666");
        assertThat(d.copyToRegions()).containsExactly("eu-west-1");
        assertThat(d.ssmParameterFor("disks/web-01.vmdk")).isEqualTo("/images/web-01/latest");
        assertThat(d.deprecateAfterDays()).isEqualTo(90);
        assertThat(d.sourceDisposition()).isEqualTo("delete");
    }

    @Test
    void whatEc2OrSsmWouldRefuseIsReportedBeforeAnyImport() {
        assertThat(problem("{\"shareWith\": {\"accounts\": [\"12345\"]}}"))
                .contains("shareWith.accounts").contains("12-digit").contains("'12345'");
        assertThat(problem("{\"shareWith\": {\"accounts\": \"111122223333\"}}")).contains("must be a list");
        assertThat(problem("{\"shareWith\": {\"users\": [\"111122223333\"]}}")).contains("unknown field 'users'");
        assertThat(problem("{\"shareWith\": {\"organizationArns\": [\"o-abcde12345\"]}}")).contains("organization ARNs");
        assertThat(problem("{\"shareWith\": {\"organizationalUnitArns\": [\"" + ORG + "\"]}}")).contains("OU ARNs");
        assertThat(problem("{\"copyToRegions\": [\"Ireland\"]}")).contains("copyToRegions").contains("'Ireland'");
        assertThat(problem("{\"regionKmsKeys\": {\"eu-west-1\": \"alias/ami\"}}")).contains("not an alias");
        assertThat(problem("{\"regionKmsKeys\": {\"us-west-2\": \"" + EU_KEY + "\"}}")).contains("is a key in eu-west-1");
        assertThat(problem("{\"ssmParameter\": \"/images/web latest\"}")).contains("not a parameter name");
        assertThat(problem("{\"ssmParameter\": \"/aws/images\"}")).contains("reserved");
        assertThat(problem("{\"deprecateAfterDays\": 0}")).contains("from 1 to 3650");
        assertThat(problem("{\"deprecateAfterDays\": \"soon\"}")).contains("whole number");
        assertThat(problem("{\"imdsSupport\": \"v1.0\"}")).contains("v2.0");
        assertThat(problem("{\"sourceDisposition\": \"archive\"}")).contains("keep, tag or delete");
        assertThat(problem("{\"launchTemplate\": {\"name\": \"web\"}}")).contains("launchTemplate is not supported yet");
    }

    @Test
    void accountIdsInMetadataAreCheckedToo() {
        assertThat(plain.resolve("RAW", Map.of("vm2ami-share-with-accounts", "1111-2222-3333"), Optional.empty()).problem())
                .hasValueSatisfying(p -> assertThat(p).contains("'1111-2222-3333'"));
    }

    private String problem(String manifest) {
        return plain.resolve("RAW", Map.of(), Optional.of(manifest)).problem().orElse("(no problem)");
    }
}
