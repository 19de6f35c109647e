package dev.vm2ami.infra;

import dev.vm2ami.wiring.PipelineFunction;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

class FunctionsTest {
    private final Synthesized defaults = Synthesized.defaults();
    private final TemplateJson template = new TemplateJson(defaults.json());

    @Test
    void runsEveryFunctionOnJava21Arm64WithTheWiringsSettings() {
        for (PipelineFunction f : PipelineFunction.values()) {
            defaults.template().hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "FunctionName", f.functionName("vm2ami"),
                    "Runtime", "java21",
                    "Architectures", List.of("arm64"),
                    "Handler", f.handler(),
                    "Description", f.description(),
                    "Timeout", f.timeoutSeconds(),
                    "MemorySize", f.memoryMb(),
                    "TracingConfig", Map.of("Mode", "Active")));
        }
    }

    @Test
    void deploysAllFunctionsFromTheOneArtifact() {
        List<Object> code = List.of(PipelineFunction.values()).stream()
                .map(f -> template.function(f).getValue().get("Code")).distinct().toList();
        assertThat(code).hasSize(1);
        assertThat(code.get(0).toString()).contains(".zip");
    }

    @Test
    void deploysAnArtifactWithEveryHandlerAndNoTestCode() throws IOException {
        Path artifact = Path.of(System.getProperty(Vm2amiApp.ARTIFACT_PROPERTY, Vm2amiApp.DEFAULT_ARTIFACT));
        List<String> entries;
        try (ZipFile zip = new ZipFile(artifact.toFile())) {
            entries = zip.stream().map(ZipEntry::getName).toList();
        }
        for (PipelineFunction f : PipelineFunction.values()) {
            assertThat(entries).contains(f.handlerClassName().replace('.', '/') + ".class");
        }
        assertThat(entries).as("the test-image builders are test code").noneMatch(e -> e.startsWith("dev/vm2ami/sampleimages/") && e.endsWith(".class"));
    }

    @Test
    void logsEachFunctionToItsOwnLogGroupWithARetention() {
        for (PipelineFunction f : PipelineFunction.values()) {
            Map.Entry<String, Map<String, Object>> logGroup = template.ofType("AWS::Logs::LogGroup").entrySet().stream()
                    .filter(e -> ("/aws/lambda/" + f.functionName("vm2ami")).equals(e.getValue().get("LogGroupName")))
                    .findFirst().orElseThrow();
            assertThat(logGroup.getValue()).containsEntry("RetentionInDays", 90);
            assertThat(TemplateJson.render(((Map<?, ?>) template.function(f).getValue().get("LoggingConfig")).get("LogGroup")))
                    .isEqualTo(logGroup.getKey());
        }
    }

    @Test
    void givesEachFunctionItsOwnRole() {
        assertThat(List.of(PipelineFunction.values()).stream().map(f -> TemplateJson.roleOf(template.function(f).getValue())).distinct())
                .hasSize(PipelineFunction.values().length);
    }

    @Test
    void drivesTheStartFunctionFromTheIntakeQueueWithPartialBatchResponses() {
        defaults.template().hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "FunctionName", Map.of("Ref", template.function(PipelineFunction.START).getKey()),
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "BatchSize", 10,
                "ScalingConfig", Map.of("MaximumConcurrency", 5)));
        Synthesized.withOptions().template().hasResourceProperties("AWS::Lambda::EventSourceMapping",
                Map.of("ScalingConfig", Map.of("MaximumConcurrency", 10)));
    }

    @Test
    void runsTheReconcilerOnASchedule() {
        defaults.template().hasResourceProperties("AWS::Events::Rule", Map.of(
                "ScheduleExpression", "rate(30 minutes)",
                "State", "ENABLED",
                "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Fn::GetAtt",
                        List.of(template.function(PipelineFunction.RECONCILE).getKey(), "Arn")))))));
        Synthesized.withOptions().template().hasResourceProperties("AWS::Events::Rule",
                Map.of("ScheduleExpression", "rate(15 minutes)"));
    }

    @Test
    void letsOnlyEventBridgeInvokeTheReconcilerDirectly() {
        defaults.template().resourceCountIs("AWS::Lambda::Permission", 1);
        defaults.template().hasResourceProperties("AWS::Lambda::Permission", Map.of(
                "Principal", "events.amazonaws.com",
                "Action", "lambda:InvokeFunction",
                "FunctionName", Map.of("Fn::GetAtt", List.of(template.function(PipelineFunction.RECONCILE).getKey(), "Arn"))));
    }
}
