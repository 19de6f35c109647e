package dev.vm2ami.infra;

import dev.vm2ami.image.container.DiskFormat;
import dev.vm2ami.wiring.FunctionEnvironment;
import dev.vm2ami.wiring.Intake;
import dev.vm2ami.wiring.PipelineFunction;
import dev.vm2ami.wiring.ResourceNames;
import dev.vm2ami.wiring.StateMachineDefinition;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stack deploys exactly what the shared wiring says, which is what the local cloud runs too
 * (PipelineScenariosTest checks the local side): functions, environments, ASL placeholders, the
 * intake's suffixes, receive count, visibility and batch size, and the shared resource names.
 */
class WiringDriftTest {
    private final Synthesized synthesized = Synthesized.defaults();
    private final TemplateJson template = new TemplateJson(synthesized.json());

    @Test
    void deploysOneFunctionPerPipelineFunctionWithItsHandler() {
        Map<String, String> handlersByName = template.ofType("AWS::Lambda::Function").values().stream()
                .filter(p -> p.containsKey("FunctionName"))
                .collect(Collectors.toMap(p -> (String) p.get("FunctionName"), p -> (String) p.get("Handler")));
        Map<String, String> expected = Stream.of(PipelineFunction.values())
                .collect(Collectors.toMap(f -> f.functionName("vm2ami"), PipelineFunction::handler));
        assertThat(handlersByName).isEqualTo(expected);
    }

    @Test
    void givesEachFunctionExactlyTheEnvironmentKeysOfFunctionEnvironment() {
        for (PipelineFunction f : PipelineFunction.values()) {
            Set<String> expected = FunctionEnvironment.of(f, synthesized.stack().config().functionSettings(synthesized.stack().config().settings()), "arn").keySet();
            assertThat(environment(f).keySet()).as(f.id()).isEqualTo(expected);
        }
    }

    @Test
    void givesEachFunctionTheValuesOfTheSettings() {
        for (PipelineFunction f : PipelineFunction.values()) {
            Map<String, String> expected = FunctionEnvironment.of(f, synthesized.stack().config().functionSettings(synthesized.stack().config().settings()), "arn");
            environment(f).forEach((key, value) -> {
                if (value instanceof String text) assertThat(text).as(f.id() + " " + key).isEqualTo(expected.get(key));
            });
        }
    }

    @Test
    void substitutesExactlyThePlaceholdersTheWiringExpectsAndTheAslUses() {
        Map<String, Object> substitutions = stateMachine().get("DefinitionSubstitutions") instanceof Map<?, ?> m
                ? m.entrySet().stream().collect(Collectors.toMap(e -> (String) e.getKey(), e -> (Object) e.getValue()))
                : Map.of();
        assertThat(substitutions.keySet())
                .isEqualTo(StateMachineDefinition.expectedPlaceholders())
                .isEqualTo(StateMachineDefinition.load().placeholders());
    }

    @Test
    void pointsEachFunctionPlaceholderAtItsFunctionsAlias() {
        @SuppressWarnings("unchecked")
        Map<String, Object> substitutions = (Map<String, Object>) stateMachine().get("DefinitionSubstitutions");
        PipelineFunction.calledByStateMachine().forEach(f -> assertThat(TemplateJson.render(
                substitutions.get(f.aslPlaceholder().orElseThrow()))).isEqualTo(template.alias(f)));
    }

    @Test
    void inlinesTheAslFileAsTheDefinition() {
        assertThat(stateMachine().get("DefinitionString")).isEqualTo(StateMachineDefinition.load().template());
    }

    @Test
    void notifiesTheIntakeOfExactlyTheImageSuffixesOfTheWiring() {
        assertThat(ImportBucketAndIntakeTest.queueConfigurations(synthesized)).extracting(ImportBucketAndIntakeTest::suffixOf)
                .containsExactlyElementsOf(Intake.notificationSuffixes());
        assertThat(Intake.notificationSuffixes()).hasSize(2 * DiskFormat.imageSuffixes().size());
    }

    @Test
    void deploysTheIntakeQueueAndItsEventSourceAsTheWiringSays() {
        Map<String, Object> queue = template.ofType("AWS::SQS::Queue").values().stream()
                .filter(q -> q.containsKey("RedrivePolicy")).findFirst().orElseThrow();
        assertThat(queue.get("VisibilityTimeout")).isEqualTo(Intake.visibilityTimeoutSeconds());
        assertThat(((Map<?, ?>) queue.get("RedrivePolicy")).get("maxReceiveCount")).isEqualTo(Intake.MAX_RECEIVE_COUNT);
        assertThat(template.ofType("AWS::Lambda::EventSourceMapping").values()).singleElement()
                .satisfies(m -> assertThat(m.get("BatchSize")).isEqualTo(Intake.BATCH_SIZE));
    }

    @Test
    void namesTheStateMachineAndTheNotificationTopicAsTheWiringDoes() {
        assertThat(stateMachine().get("StateMachineName")).isEqualTo(ResourceNames.stateMachine("vm2ami"));
        assertThat(template.ofType("AWS::SNS::Topic").values()).extracting(t -> t.get("TopicName"))
                .contains(ResourceNames.notificationTopic("vm2ami"));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> environment(PipelineFunction f) {
        Map<String, Object> env = (Map<String, Object>) template.function(f).getValue().get("Environment");
        return (Map<String, Object>) env.get("Variables");
    }

    private Map<String, Object> stateMachine() {
        return template.ofType("AWS::StepFunctions::StateMachine").values().iterator().next();
    }
}
