package dev.vm2ami.local.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Usage errors exit 2 (a ParameterException, thrown before the local cloud starts); the sample image the README's "Try it" uses. */
class CliUsageTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private int run(String... args) {
        CommandLine cli = Vm2amiCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void aNegativeTimeScaleIsAUsageErrorBeforeTheDemoStarts() {
        int status = run("demo", "--time-scale", "-1");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("--time-scale must be above 0, was -1.0");
    }

    @Test
    void aZeroTimeoutIsAUsageErrorOfTheDemo() {
        assertThat(run("demo", "--timeout", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--timeout must be above 0");
    }

    @Test
    void badOptionsOfUpAreUsageErrorsBeforeItStarts() {
        assertThat(run("up", "--import-quota", "0")).isEqualTo(2);
        assertThat(run("up", "--port", "70000")).isEqualTo(2);
        assertThat(run("up", "--time-scale", "0")).isEqualTo(2);

        assertThat(err.toString()).contains("--import-quota must be at least 1").contains("--port must be 0..65535")
                .contains("--time-scale must be above 0");
    }

    @Test
    void aConfigFileOfUpWithAnUnknownSettingOrNoObjectIsAUsageErrorBeforeItStarts() throws Exception {
        Path typo = java.nio.file.Files.writeString(dir.resolve("typo.json"), "{\"conversionLambdaMaxByte\": 1048576}");
        Path list = java.nio.file.Files.writeString(dir.resolve("list.json"), "[1, 2]");

        assertThat(run("up", "--config", typo.toString())).isEqualTo(2);
        assertThat(run("up", "--config", list.toString())).isEqualTo(2);
        assertThat(run("up", "--config", dir.resolve("missing.json").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("settings the stack does not know: conversionLambdaMaxByte")
                .contains("must hold one JSON object").contains("cannot read");
    }

    @Test
    void aConfigFileOfUpIsReadAsTheStacksSettings() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("local.json"),
                "{\"conversionLambdaMaxBytes\": 1048576, \"extraTags\": {\"Owner\": \"platform\"}}");

        assertThat(StackSettingsFile.read(file)).containsEntry("conversionLambdaMaxBytes", 1048576)
                .containsEntry("extraTags", java.util.Map.of("Owner", "platform"));
    }

    @Test
    void upDocumentsQuietAndKeepingItsWorkFolder() {
        run("up", "--help");

        assertThat(out.toString()).contains("--quiet").contains("--keep-work-dir").contains("raw message delivery")
                .contains("--config=FILE");
    }

    @Test
    void writesASampleImageThatTheCheckAccepts() throws Exception {
        Path disk = dir.resolve("disk.raw");

        assertThat(run("sample-image", disk.toString())).isZero();
        assertThat(run("check", disk.toString())).isZero();

        assertThat(Files.size(disk)).isEqualTo(4 << 20);
        assertThat(out.toString()).contains("disk.raw: ACCEPT").contains("os: Ubuntu 22.04");
    }

    @Test
    void theThirtyTwoBitSampleIsRejected() {
        Path disk = dir.resolve("old.raw");

        assertThat(run("sample-image", "--32-bit", disk.toString())).isZero();
        assertThat(run("check", disk.toString())).isEqualTo(1);

        assertThat(out.toString()).contains("LINUX_32_BIT");
    }

    @Test
    void doesNotOverwriteAFile() throws Exception {
        Path taken = Files.writeString(dir.resolve("taken.raw"), "mine");

        assertThat(run("sample-image", taken.toString())).isEqualTo(2);

        assertThat(err.toString()).contains("taken.raw: exists (not overwritten)");
        assertThat(Files.readString(taken)).isEqualTo("mine");
    }
}
