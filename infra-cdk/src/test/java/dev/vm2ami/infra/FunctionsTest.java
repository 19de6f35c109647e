package dev.vm2ami.infra;

import dev.vm2ami.wiring.PipelineFunction;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

import java.io.IOException;
import java.nio.file.Files;
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
    void deploysEachFunctionFromItsOwnZip() throws IOException {
        Map<Object, PipelineFunction> byCode = new java.util.HashMap<>();
        for (PipelineFunction f : PipelineFunction.values()) {
            Map<String, Object> function = template.function(f).getValue();
            // The asset's hash is of the zip's content: the function's code is its own zip's, whoever else has the same bytes.
            String key = TemplateJson.render(((Map<?, ?>) function.get("Code")).get("S3Key"));
            assertThat(key).endsWith(".zip");
            byCode.merge(key, f, (a, b) -> {
                assertThat(sameBytes(a, b)).as(a + " and " + b + " deploy one asset, so their zips are the same").isTrue();
                return a;
            });
        }
        assertThat(byCode.values()).as("the functions whose zips differ deploy different assets")
                .contains(PipelineFunction.START, PipelineFunction.INSPECT, PipelineFunction.NOTIFY, PipelineFunction.CONVERT, PipelineFunction.SUBMIT);
    }

    private static boolean sameBytes(PipelineFunction a, PipelineFunction b) {
        try {
            return java.util.Arrays.equals(Files.readAllBytes(FunctionZipsTest.ZIPS.resolve(a.zipName())),
                    Files.readAllBytes(FunctionZipsTest.ZIPS.resolve(b.zipName())));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void deploysZipsWithTheirHandlersAndNoTestCode() throws IOException {
        for (PipelineFunction f : PipelineFunction.values()) {
            List<String> entries;
            try (ZipFile zip = new ZipFile(FunctionZipsTest.ZIPS.resolve(f.zipName()).toFile())) {
                entries = zip.stream().map(ZipEntry::getName).toList();
            }
            assertThat(entries).contains(f.handlerClassName().replace('.', '/') + ".class");
            assertThat(entries).as("the test-image builders are test code").noneMatch(e -> e.startsWith("dev/vm2ami/sampleimages/") && e.endsWith(".class"));
        }
    }

    @Test
    void turnsSnapStartOnForEveryFunctionButTheConvertFunction() {
        for (PipelineFunction f : PipelineFunction.values()) {
            Object snapStart = template.function(f).getValue().get("SnapStart");
            if (f == PipelineFunction.CONVERT) {
                assertThat(snapStart).as("Lambda allows SnapStart only with at most 512 MB of /tmp").isNull();
                assertThat(template.function(f).getValue()).containsEntry("EphemeralStorage", Map.of("Size", PipelineFunction.CONVERT_EPHEMERAL_STORAGE_MB));
            } else {
                assertThat(snapStart).as(f.id()).isEqualTo(Map.of("ApplyOn", "PublishedVersions"));
                assertThat(template.function(f).getValue()).containsEntry("EphemeralStorage", Map.of("Size", 512));
            }
        }
        assertThat(PipelineFunction.values()).filteredOn(PipelineFunction::snapStart).hasSize(PipelineFunction.values().length - 1);
    }

    @Test
    void publishesAVersionOfEachFunctionWithALiveAliasOnIt() {
        Map<String, Map<String, Object>> versions = template.ofType("AWS::Lambda::Version");
        Map<String, Map<String, Object>> aliases = template.ofType("AWS::Lambda::Alias");
        assertThat(versions).hasSize(PipelineFunction.values().length);
        assertThat(aliases).hasSize(PipelineFunction.values().length);
        for (PipelineFunction f : PipelineFunction.values()) {
            String function = template.function(f).getKey();
            Map.Entry<String, Map<String, Object>> version = versions.entrySet().stream()
                    .filter(v -> Map.of("Ref", function).equals(v.getValue().get("FunctionName"))).findFirst().orElseThrow();
            Map<String, Object> alias = aliases.values().stream()
                    .filter(a -> Map.of("Ref", function).equals(a.get("FunctionName"))).findFirst().orElseThrow();
            assertThat(alias).containsEntry("Name", PipelineFunctions.ALIAS)
                    .containsEntry("FunctionVersion", Map.of("Fn::GetAtt", List.of(version.getKey(), "Version")));
        }
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
    void drivesTheStartFunctionsAliasFromTheIntakeQueueWithPartialBatchResponses() {
        // The alias as NAME:live, the function's name taken from the alias's ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME:live).
        assertThat(template.ofType("AWS::Lambda::EventSourceMapping").values()).singleElement()
                .satisfies(m -> assertThat(m.get("FunctionName")).isEqualTo(Map.of("Fn::Join", List.of("", List.of(
                        Map.of("Fn::Select", List.of(6, Map.of("Fn::Split", List.of(":", Map.of("Ref", template.alias(PipelineFunction.START)))))),
                        ":" + PipelineFunctions.ALIAS)))));
        defaults.template().hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "BatchSize", 10,
                "ScalingConfig", Map.of("MaximumConcurrency", 5)));
        Synthesized.withOptions().template().hasResourceProperties("AWS::Lambda::EventSourceMapping",
                Map.of("ScalingConfig", Map.of("MaximumConcurrency", 10)));
    }

    @Test
    void runsTheReconcilersAliasOnASchedule() {
        defaults.template().hasResourceProperties("AWS::Events::Rule", Map.of(
                "ScheduleExpression", "rate(30 minutes)",
                "State", "ENABLED",
                "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Ref", template.alias(PipelineFunction.RECONCILE)))))));
        Synthesized.withOptions().template().hasResourceProperties("AWS::Events::Rule",
                Map.of("ScheduleExpression", "rate(15 minutes)"));
    }

    @Test
    void letsOnlyEventBridgeInvokeTheReconcilerDirectly() {
        defaults.template().resourceCountIs("AWS::Lambda::Permission", 1);
        defaults.template().hasResourceProperties("AWS::Lambda::Permission", Map.of(
                "Principal", "events.amazonaws.com",
                "Action", "lambda:InvokeFunction",
                "FunctionName", Map.of("Ref", template.alias(PipelineFunction.RECONCILE))));
    }
}
