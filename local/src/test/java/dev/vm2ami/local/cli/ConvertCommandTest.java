package dev.vm2ami.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ConvertCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Vm2amiCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path qcow2(String name, String... options) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-img")), "qemu-img is not installed (Debian: qemu-utils)");
        Path raw = dir.resolve("disk.raw");
        byte[] data = new byte[4 << 20];
        for (int i = 0; i < 1 << 20; i++) data[(1 << 20) + i] = (byte) (i * 31 + i / 7);
        Files.write(raw, data);
        String[] cmd = new String[6 + options.length];
        cmd[0] = "qemu-img";
        cmd[1] = "convert";
        cmd[2] = "-O";
        cmd[3] = "qcow2";
        System.arraycopy(options, 0, cmd, 4, options.length);
        cmd[4 + options.length] = raw.toString();
        cmd[5 + options.length] = dir.resolve(name).toString();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
        return dir.resolve(name);
    }

    @Test
    void convertsAQcow2BesideItAndSaysWhatItDid() throws Exception {
        Path image = qcow2("disk.qcow2", "-c");

        int status = run("convert", image.toString());

        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString()).contains("qcow2 v3 -> stream-optimized VMDK").contains("disk.qcow2.vmdk").contains("4.0 MiB disk");
        assertThat(dir.resolve("disk.qcow2.vmdk")).exists();
    }

    @Test
    void writesRawOnRequestWithAJsonResult() throws Exception {
        Path image = qcow2("json.qcow2");

        int status = run("convert", "--format", "raw", "--json", image.toString(), dir.resolve("json.raw").toString());

        assertThat(status).as(err.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(out.toString());
        assertThat(r.get("from").asText()).isEqualTo("qcow2 v3");
        assertThat(r.get("bytesWritten").asLong()).isEqualTo(4 << 20);
        assertThat(Files.readAllBytes(dir.resolve("json.raw"))).isEqualTo(Files.readAllBytes(dir.resolve("disk.raw")));
    }

    @Test
    void aRefusedImageExitsOneWithTheFindingAndItsFix() throws IOException {
        Path cut = Files.write(dir.resolve("cut.qcow2"), new byte[]{'Q', 'F', 'I', (byte) 0xFB, 0, 0, 0, 3});

        int status = run("convert", cut.toString());

        assertThat(status).isEqualTo(1);
        assertThat(out.toString()).contains("cannot be converted").contains("IMAGE_TRUNCATED").contains("fix: ");
    }

    @Test
    void aMissingFileIsAUsageError() {
        assertThat(run("convert", dir.resolve("nope.qcow2").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no such readable file");
    }
}
