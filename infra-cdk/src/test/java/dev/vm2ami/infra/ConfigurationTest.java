package dev.vm2ami.infra;

import dev.vm2ami.config.PipelineSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Layers of configuration: built-in defaults < cdk.json's vm2ami block < per-account file < -c key=value. */
class ConfigurationTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreThePipelinesOwnDefaults() {
        StackConfig config = load(Map.of());
        assertThat(config.settings().toEnvironment()).isEqualTo(PipelineSettings.defaults().toEnvironment());
        assertThat(config.stackName()).isEqualTo("vm2ami");
        assertThat(config.kmsKeyArn()).isEmpty();
        assertThat(config.accessLogging()).isTrue();
        assertThat(config.stateMachineLogLevel()).isEqualTo("ALL");
        assertThat(config.stateMachineLogExecutionData()).isFalse();
        assertThat(config.reconcileIntervalMinutes()).isEqualTo(30);
    }

    @Test
    void cdkJsonListsEveryKeyWithItsBuiltInDefault() {
        @SuppressWarnings("unchecked")
        Map<String, Object> block = (Map<String, Object>) Synthesized.cdkJsonContext().get(ConfigKey.DEFAULTS_BLOCK);
        Map<String, Object> builtIn = new HashMap<>();
        for (ConfigKey key : ConfigKey.values()) builtIn.put(key.key(), key.defaultValue());
        assertThat(block).isEqualTo(builtIn);
    }

    @Test
    void theReadmeDocumentsEveryKeyWithItsDefault() throws IOException {
        String readme = Files.readString(Synthesized.MODULE.resolve("../README.md"));
        for (ConfigKey key : ConfigKey.values()) {
            assertThat(readme).as(key.key()).contains("| `" + key.key() + "` | ");
            Object value = key.defaultValue();
            if (value instanceof Number || value instanceof Boolean || (value instanceof String s && !s.isEmpty())) {
                assertThat(readme).as(key.key()).contains("| `" + key.key() + "` | `" + value + "` |");
            }
        }
        assertThat(readme).contains("| `" + ConfigKey.CONFIG_FILE + "` | ");
    }

    @Test
    void theAccountFileOverridesCdkJsonAndTheCommandLineOverridesTheFile() throws IOException {
        write("config/111122223333.json", "{\"imagePrefix\": \"from-file/\", \"pollSeconds\": 300, \"defaultTeam\": \"platform\"}");
        Map<String, Object> context = Map.of(
                ConfigKey.DEFAULTS_BLOCK, Map.of("imagePrefix", "from-cdk-json/", "maxAttempts", 5),
                "pollSeconds", "600");
        StackConfig config = StackConfig.load(context::get, Optional.of("111122223333"), dir);
        assertThat(config.settings().imagePrefix()).isEqualTo("from-file/");
        assertThat(config.settings().timing().pollSeconds()).isEqualTo(600);
        assertThat(config.settings().timing().maxAttempts()).isEqualTo(5);
        assertThat(config.settings().defaultTeam()).isEqualTo("platform");
    }

    @Test
    void readsTheFileNamedByConfigFile() throws IOException {
        write("prod.json", "{\"notificationEmails\": [\"a@example.com\", \"b@example.com\"]}");
        assertThat(load(Map.of(ConfigKey.CONFIG_FILE, "prod.json")).notificationEmails())
                .containsExactly("a@example.com", "b@example.com");
    }

    @Test
    void theExampleConfigFileIsValid() {
        StackConfig config = StackConfig.load(Map.<String, Object>of(ConfigKey.CONFIG_FILE, "config/example.json")::get,
                Optional.empty(), Synthesized.MODULE);
        assertThat(config.settings().imagePrefix()).isEqualTo("incoming/");
        assertThat(config.topicSubscriptions()).hasSize(3);
    }

    @Test
    void ignoresAnAccountWithoutAFile() {
        assertThat(StackConfig.load(Map.<String, Object>of()::get, Optional.of("999999999999"), dir).stackName()).isEqualTo("vm2ami");
    }

    @Test
    void parsesCommandLineStringsIntoListsMapsAndSubscriptions() {
        StackConfig config = load(Map.of(
                "notificationEmails", "a@example.com, b@example.com",
                "extraTags", "CostCenter=42,Owner=platform",
                "stallSeconds", "booting=3600,converting=7200",
                "accessLogging", "false",
                "subscriptions", "[{\"queueArn\": \"arn:aws:sqs:us-east-1:111122223333:builds\", \"filter\": {\"status\": \"SUCCEEDED\"}}]"));
        assertThat(config.notificationEmails()).containsExactly("a@example.com", "b@example.com");
        assertThat(config.settings().extraTags()).isEqualTo(Map.of("CostCenter", "42", "Owner", "platform"));
        assertThat(config.settings().timing().stallSeconds()).isEqualTo(Map.of("booting", 3600, "converting", 7200));
        assertThat(config.accessLogging()).isFalse();
        assertThat(config.subscriptions()).containsExactly(new TopicSubscription(TopicSubscription.Protocol.SQS,
                "arn:aws:sqs:us-east-1:111122223333:builds", Map.of("status", List.of("SUCCEEDED")), false));
    }

    @Test
    void takesJsonValuesFromCdkJsonAndFiles() {
        StackConfig config = load(Map.of(ConfigKey.DEFAULTS_BLOCK, Map.of(
                "extraTags", Map.of("CostCenter", 42),
                "stallSeconds", Map.of("booting", 3600),
                "subscriptions", List.of(Map.of("email", "web@example.com", "filter", Map.of("team", List.of("web")))))));
        assertThat(config.settings().extraTags()).isEqualTo(Map.of("CostCenter", "42"));
        assertThat(config.settings().timing().stallSeconds()).isEqualTo(Map.of("booting", 3600));
        assertThat(config.subscriptions()).singleElement().satisfies(s -> {
            assertThat(s.protocol()).isEqualTo(TopicSubscription.Protocol.EMAIL);
            assertThat(s.filter()).isEqualTo(Map.of("team", List.of("web")));
        });
    }

    @Test
    void takesAStallThresholdForEveryStage() {
        assertThat(load(Map.of("stallSeconds", 5400)).settings().timing().stallSeconds()).isEqualTo(Map.of("*", 5400));
    }

    private StackConfig load(Map<String, Object> context) {
        return StackConfig.load(context::get, Optional.empty(), dir);
    }

    private void write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
