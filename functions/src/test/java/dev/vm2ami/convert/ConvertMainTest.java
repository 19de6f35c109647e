package dev.vm2ami.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.job.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The entry point the batch engine runs: S3 to S3 (against an in-memory S3), and local files; one
 * JSON line out, an exit status that says whether a retry could help.
 */
class ConvertMainTest {
    @TempDir
    static Path dir;
    private static byte[] qcow2;

    @BeforeAll
    static void image() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-img")), "qemu-img is not installed (Debian: qemu-utils)");
        Path raw = dir.resolve("disk.raw");
        byte[] data = new byte[6 << 20];
        Random random = new Random(7);
        byte[] noise = new byte[1 << 20];
        random.nextBytes(noise);
        System.arraycopy(noise, 0, data, 2 << 20, noise.length);
        Files.write(raw, data);
        qemu("convert", "-c", "-O", "qcow2", raw.toString(), dir.resolve("disk.qcow2").toString());
        qcow2 = Files.readAllBytes(dir.resolve("disk.qcow2"));
    }

    private static void qemu(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "qemu-img";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private record Run(int status, JsonNode json, String err) {}

    private static Run run(InMemoryS3 s3, String... args) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ConvertMain.run(args, new ImageConversion(s3), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8).trim();
        return new Run(status, text.isEmpty() ? null : Json.MAPPER.readTree(text), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void convertsAnS3ObjectIntoTheConvertedPrefixWithProvenanceTags() throws Exception {
        InMemoryS3 s3 = new InMemoryS3();
        s3.put("drop", "images/web.qcow2", qcow2);

        Run r = run(s3, "--from", "s3://drop/images/web.qcow2", "--source-version", "v1");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.json().get("from").asText()).isEqualTo("qcow2 v3");
        assertThat(r.json().get("to").asText()).isEqualTo("stream-optimized VMDK");
        assertThat(r.json().get("bucket").asText()).isEqualTo("drop");
        assertThat(r.json().get("key").asText()).isEqualTo("converted/images/web.qcow2.vmdk");
        assertThat(r.json().get("bytesRead").asLong()).isBetween((long) qcow2.length, qcow2.length * 105L / 100);
        byte[] vmdk = s3.get("drop", "converted/images/web.qcow2.vmdk");
        assertThat(r.json().get("bytesWritten").asLong()).isEqualTo(vmdk.length);
        assertThat(r.json().get("seconds").asDouble()).isPositive();
        assertThat(s3.tagging.get("drop/converted/images/web.qcow2.vmdk"))
                .contains("vm2ami%3Asource-key=images%2Fweb.qcow2", "vm2ami%3Asource-version=v1", "vm2ami%3Aconverted-from=qcow2%20v3");

        Path out = dir.resolve("from-s3.vmdk");
        Files.write(out, vmdk);
        qemu("check", "-f", "vmdk", out.toString());
        qemu("compare", "-f", "qcow2", "-F", "vmdk", dir.resolve("disk.qcow2").toString(), out.toString());
    }

    @Test
    void aRefusedImageIsExitStatusTwoWithTheFindingAndNoObject() throws Exception {
        InMemoryS3 s3 = new InMemoryS3();
        byte[] cut = java.util.Arrays.copyOf(qcow2, qcow2.length / 2);
        s3.put("drop", "cut.qcow2", cut);

        Run r = run(s3, "--from", "s3://drop/cut.qcow2");

        assertThat(r.status()).isEqualTo(ConvertMain.REFUSED);
        assertThat(r.json().get("error").get("code").asText()).isEqualTo("IMAGE_TRUNCATED");
        assertThat(r.json().get("error").get("fix").asText()).isNotBlank();
        assertThat(s3.objects).doesNotContainKey("drop/converted/cut.qcow2.vmdk");
        assertThat(s3.openUploads()).isZero();
    }

    @Test
    void aMissingObjectIsAFailureWorthARetry() throws Exception {
        Run r = run(new InMemoryS3(), "--from", "s3://drop/gone.qcow2");

        assertThat(r.status()).isEqualTo(ConvertMain.FAILED);
        assertThat(r.json().get("error").get("message").asText()).contains("s3://drop/gone.qcow2");
    }

    @Test
    void convertsLocalFilesToRaw() throws Exception {
        Run r = run(null, "--from", dir.resolve("disk.qcow2").toString(), "--to", dir.resolve("disk.out.raw").toString(), "--format", "raw");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.json().get("format").asText()).isEqualTo("raw");
        assertThat(Files.readAllBytes(dir.resolve("disk.out.raw"))).isEqualTo(Files.readAllBytes(dir.resolve("disk.raw")));
    }

    @Test
    void aWrongCommandLineSaysHowToCallIt() throws Exception {
        Run r = run(null, "--from", "s3://drop/x.qcow2", "--format", "qcow2");

        assertThat(r.status()).isEqualTo(ConvertMain.USAGE);
        assertThat(r.err()).contains("--format is vmdk or raw", "usage:");
    }
}
