package dev.vm2ami.wiring;

import dev.vm2ami.config.PipelineSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WiringTest {

    @Test
    void theAslUsesExactlyThePlaceholdersTheWiringProvides() {
        assertThat(StateMachineDefinition.load().placeholders()).isEqualTo(StateMachineDefinition.expectedPlaceholders());
    }

    @Test
    void substitutionFillsEveryPlaceholderAndRefusesToLeaveOneOpen() {
        Map<String, String> values = new java.util.HashMap<>();
        StateMachineDefinition.expectedPlaceholders().forEach(p -> values.put(p, "arn:aws:test:" + p));

        String asl = StateMachineDefinition.load().substitute(values);

        assertThat(asl).doesNotContain("${").contains("arn:aws:test:CheckFunctionArn");
        values.remove("NotificationTopicArn");
        assertThatThrownBy(() -> StateMachineDefinition.load().substitute(values)).hasMessageContaining("NotificationTopicArn");
    }

    @Test
    void everyFunctionGetsExactlyTheKeysItReadsPlusPowertoolsSettings() {
        for (PipelineFunction f : PipelineFunction.values()) {
            Map<String, String> settings = new java.util.HashMap<>(PipelineSettings.defaults().toEnvironment());
            settings.putAll(dev.vm2ami.config.ConversionSettings.defaults().toEnvironment());
            Map<String, String> env = FunctionEnvironment.of(f, settings, "arn:aws:states:us-east-1:1:stateMachine:x");
            assertThat(env.keySet()).as(f.id()).containsAll(f.environmentKeys()).contains("POWERTOOLS_SERVICE_NAME");
            assertThat(env.keySet().stream().filter(k -> k.startsWith("VM2AMI_"))).as(f.id())
                    .containsExactlyInAnyOrderElementsOf(f.environmentKeys());
        }
    }

    @Test
    void handlersNameClassesThatExist() throws Exception {
        for (PipelineFunction f : PipelineFunction.values()) {
            assertThat(Class.forName(f.handlerClassName())).as(f.id()).isNotNull();
        }
    }
}
