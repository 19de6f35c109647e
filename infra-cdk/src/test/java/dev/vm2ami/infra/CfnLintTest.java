package dev.vm2ami.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** cfn-lint (CloudFormation's own linter) finds no error in the synthesized templates. */
class CfnLintTest {
    /** CDK states dependencies a reference already implies (W3005); harmless, and CDK's choice, not ours. */
    private static final String IGNORED = "W3005";

    @Test
    void findsNoProblemInTheTemplates(@TempDir Path dir) throws Exception {
        boolean installed = available();
        if (!installed) System.out.println("NOTICE: cfn-lint is not installed; the CloudFormation lint is skipped (pip install cfn-lint)");
        assumeTrue(installed, "cfn-lint is not installed");
        List<Path> templates = new ArrayList<>();
        for (var entry : Map.of("defaults", Synthesized.defaults(), "options", Synthesized.withOptions()).entrySet()) {
            Path file = dir.resolve(entry.getKey() + ".template.json");
            new ObjectMapper().writeValue(file.toFile(), entry.getValue().json());
            templates.add(file);
        }
        List<String> command = new ArrayList<>(List.of("cfn-lint", "--ignore-checks", IGNORED, "--"));
        templates.forEach(t -> command.add(t.toString()));
        Process lint = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(lint.waitFor(5, TimeUnit.MINUTES)).isTrue();
        // Exit code bits: 2 errors, 4 warnings, 8 informational.
        assertThat(lint.exitValue()).as(output).isZero();
    }

    private static boolean available() {
        try {
            Process p = new ProcessBuilder("cfn-lint", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
