package dev.vm2ami.infra;

import dev.vm2ami.wiring.StateMachineDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * asl-validator (the npm package that checks Amazon States Language against its schema and paths)
 * accepts the ASL file and the definition the stack synthesizes, and refuses a broken one, so the
 * check is known to bite. Skipped with a notice where npx is missing.
 */
class AslValidatorTest {
    /** Pinned; .ci/run fetches it into npm's cache. */
    static final String VALIDATOR = "asl-validator@4.0.0";

    @Test
    void acceptsTheAslFile() throws Exception {
        Result result = validate(Path.of("..", "statemachine", "import-image.asl.json").toAbsolutePath());
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void acceptsTheDefinitionTheStackSynthesizes(@TempDir Path dir) throws Exception {
        TemplateJson template = new TemplateJson(Synthesized.inAccount().json());
        Map<String, Object> machine = template.ofType("AWS::StepFunctions::StateMachine").values().iterator().next();
        String definition = (String) machine.get("DefinitionString");
        @SuppressWarnings("unchecked")
        Map<String, Object> substitutions = (Map<String, Object>) machine.get("DefinitionSubstitutions");
        for (Map.Entry<String, Object> s : substitutions.entrySet()) {
            // CloudFormation fills these with the functions' and the topic's ARNs.
            String rendered = TemplateJson.render(s.getValue());
            String arn = rendered.startsWith("arn:") ? rendered : rendered.contains("Topic")
                    ? "arn:aws:sns:eu-west-1:111122223333:vm2ami-notifications"
                    : "arn:aws:lambda:eu-west-1:111122223333:function:" + rendered.replace(".Arn", "");
            definition = definition.replace("${" + s.getKey() + "}", arn);
        }
        assertThat(definition).doesNotContain("${");
        Path file = dir.resolve("synthesized.asl.json");
        Files.writeString(file, definition);
        Result result = validate(file);
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void refusesADefinitionWithATransitionToNowhere(@TempDir Path dir) throws Exception {
        String broken = StateMachineDefinition.load().template().replaceFirst("\"Next\": \"[A-Za-z]+\"", "\"Next\": \"NoSuchState\"");
        Path file = dir.resolve("broken.asl.json");
        Files.writeString(file, broken);
        Result result = validate(file);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
    }

    private record Result(int exitCode, String output) {}

    private static Result validate(Path definition) throws Exception {
        boolean npx = available();
        if (!npx) System.out.println("NOTICE: npx (Node.js) is not installed; the ASL validation is skipped");
        assumeTrue(npx, "npx is not installed");
        Process process = new ProcessBuilder(List.of("npx", "--yes", VALIDATOR, "--json-path", definition.toString()))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("asl-validator finished").isTrue();
        return new Result(process.exitValue(), output);
    }

    private static boolean available() {
        try {
            return new ProcessBuilder("npx", "--version").redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
