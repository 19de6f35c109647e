package dev.vm2ami.infra;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awscdk.App;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A wrong value stops the synth with a message that names the key, what is allowed and where the value came from. */
class InvalidConfigurationTest {
    @TempDir
    Path dir;

    @Test
    void aBiosBootModeFailsTheSynthNamingTheKeyAndTheAllowedValues() {
        App app = Synthesized.app(Map.of("defaultBootMode", "bios"));
        assertThatThrownBy(() -> Vm2amiApp.define(app, Optional.empty(), Optional.empty(), Synthesized.MODULE))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("defaultBootMode")
                .hasMessageContaining("[(empty), legacy-bios, uefi]")
                .hasMessageContaining("'bios'")
                .hasMessageContaining("context key defaultBootMode");
    }

    @Test
    void aWrongValueInCdkJsonsBlockFailsTheSynthNamingTheBlock() {
        Map<String, Object> block = new HashMap<>(castToMap(Synthesized.cdkJsonContext().get(ConfigKey.DEFAULTS_BLOCK)));
        block.put("stateMachineLogLevel", "DEBUG");
        App app = Synthesized.app(Map.of(ConfigKey.DEFAULTS_BLOCK, block));
        assertThatThrownBy(() -> Vm2amiApp.define(app, Optional.empty(), Optional.empty(), Synthesized.MODULE))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("stateMachineLogLevel must be one of [ALL, ERROR], was 'DEBUG' (from cdk.json context 'vm2ami')");
    }

    @Test
    void aKeyFromAnotherRegionFailsTheSynth() {
        App app = Synthesized.app(Map.of("kmsKeyArn", Synthesized.OPTIONS.get("kmsKeyArn")));
        assertThatThrownBy(() -> Vm2amiApp.define(app, Optional.of("111122223333"), Optional.of("us-east-1"), Synthesized.MODULE))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("kmsKeyArn must be a key in the stack's region us-east-1, was one in eu-west-1");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "defaultLicenseType|GPL|defaultLicenseType (VM2AMI_DEFAULT_LICENSE_TYPE) must be one of [(empty), AWS, BYOL]",
            "reconcileAction|delete|reconcileAction (VM2AMI_RECONCILE_ACTION) must be one of [adopt, cancel]",
            "minPollSeconds|300|pollSeconds (VM2AMI_POLL_SECONDS) must be at least 300",
            "pollSeconds|soon|pollSeconds must be a whole number of at least 1, was 'soon'",
            "stallSeconds|booting=0|stallSeconds (VM2AMI_STALL_SECONDS) (booting) must be at least 1",
            "extraTags|aws:owner=me|extraTags (VM2AMI_EXTRA_TAGS): 'aws:owner' is not a valid tag key",
            "kmsKeyArn|alias/images|kmsKeyArn must be empty or a KMS key ARN",
            "stackName|9lives|stackName must start with a letter",
            "logRetentionDays|42|logRetentionDays must be one of [1, 3, 5, 7, 14, 30, 60, 90,",
            "stateMachineLogLevel|DEBUG|stateMachineLogLevel must be one of [ALL, ERROR]",
            "intakeMaxConcurrency|1|intakeMaxConcurrency must be a whole number from 2 to 1000",
            "reconcileIntervalMinutes|0|reconcileIntervalMinutes must be a whole number from 1 to 1440",
            "accessLogging|yes|accessLogging must be true or false",
            "notificationEmails|platform-team|notificationEmails must list email addresses",
            "opsEmails|[\"ops@\"]|opsEmails must list email addresses",
            "shareWith|{\"accounts\": [\"12345\"]}|shareWith.accounts must list 12-digit AWS account ids (e.g. 111122223333); not: '12345'",
            "shareWith|{\"users\": []}|shareWith must be {\"accounts\"",
            "copyToRegions|Ireland|copyToRegions must list region names",
            "regionKmsKeys|eu-west-1=alias/ami|regionKmsKeys.eu-west-1 must be a KMS key ARN",
            "deprecateAfterDays|4000|deprecateAfterDays must be a whole number from 0 to 3650",
            "imdsSupport|v1|imdsSupport must be one of [, v2.0]",
            "sourceDisposition|archive|sourceDisposition must be one of [delete, keep, tag]"})
    void rejects(String key, String value, String message) {
        assertThatThrownBy(() -> load(Map.of(key, value)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("Invalid configuration: ")
                .hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "[{\"email\": \"web@example.com\", \"filter\": {\"status\": [\"DONE\"]}}]|filter status must be among [FAILED, REJECTED, SUCCEEDED]",
            "[{\"email\": \"web@example.com\", \"filter\": {\"owner\": [\"x\"]}}]|filter attribute 'owner' must be one of [category, format, status, team]",
            "[{\"email\": \"web@example.com\", \"queueArn\": \"arn:aws:sqs:us-east-1:111122223333:q\"}]|needs exactly one of \"email\" or \"queueArn\"",
            "[{\"queueArn\": \"my-queue\"}]|is not an SQS queue ARN",
            "[{\"email\": \"web@example.com\", \"rawMessageDelivery\": true}]|rawMessageDelivery must be true or false, and only for queues",
            "[{\"email\": \"web@example.com\", \"filters\": {}}]|unknown field 'filters'",
            "{\"email\": \"web@example.com\"}|subscriptions must be a JSON array of objects",
            "[{\"email\": |subscriptions (from context key subscriptions) is not valid JSON"})
    void rejectsSubscriptions(String value, String message) {
        assertThatThrownBy(() -> load(Map.of("subscriptions", value)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(message);
    }

    @Test
    void rejectsTwoSubscriptionsOfOneEndpoint() {
        assertThatThrownBy(() -> load(Map.of("notificationEmails", "web@example.com",
                "subscriptions", "[{\"email\": \"web@example.com\", \"filter\": {\"team\": [\"web\"]}}]")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("subscribe EMAIL web@example.com more than once");
    }

    @Test
    void rejectsAnUnknownKeyInAConfigFileListingTheKeys() throws IOException {
        Files.writeString(dir.resolve("prod.json"), "{\"imagePrefx\": \"incoming/\"}");
        assertThatThrownBy(() -> load(Map.of(ConfigKey.CONFIG_FILE, "prod.json")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("unknown key 'imagePrefx' in " + dir.resolve("prod.json"))
                .hasMessageContaining("imagePrefix, notificationEmails");
    }

    @Test
    void rejectsAMissingConfigFile() {
        assertThatThrownBy(() -> load(Map.of(ConfigKey.CONFIG_FILE, "missing.json")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("configFile: no such file");
    }

    @Test
    void namesTheFileAWrongValueCameFrom() throws IOException {
        Files.writeString(dir.resolve("prod.json"), "{\"defaultBootMode\": \"bios\"}");
        assertThatThrownBy(() -> load(Map.of(ConfigKey.CONFIG_FILE, "prod.json")))
                .hasMessageContaining("(from " + dir.resolve("prod.json") + ")");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castToMap(Object value) {
        return (Map<String, Object>) value;
    }

    private StackConfig load(Map<String, Object> context) {
        return StackConfig.load(context::get, Optional.empty(), dir);
    }
}
