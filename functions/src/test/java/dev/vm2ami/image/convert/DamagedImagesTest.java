package dev.vm2ami.image.convert;

import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.read.ByteSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import static dev.vm2ami.image.convert.Tools.MIB;
import static dev.vm2ami.image.convert.Tools.require;
import static dev.vm2ami.image.convert.Tools.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Damaged images (bytes flipped in their headers and tables, anywhere, or cut at any length) are
 * converted or refused with a finding: never an unchecked exception, never a hang. Seeded, so a
 * failure repeats.
 */
class DamagedImagesTest {
    private static final int MUTANTS = 100;

    @TempDir
    static Path dir;

    @BeforeAll
    static void images() throws Exception {
        Tools.disk(dir, "src.raw", 2 * MIB + 512);
        if (!Tools.has("qemu-img") || !Tools.has("gzip")) return;
        sh(dir, "qemu-img convert -O qcow2 src.raw plain.qcow2 && qemu-img convert -c -O qcow2 -o cluster_size=4096 src.raw small.qcow2"
                + " && qemu-img convert -O qcow2 -o compat=0.10 src.raw v2.qcow2"
                + " && qemu-img convert -O vdi src.raw dynamic.vdi && qemu-img convert -O vmdk src.raw mono.vmdk"
                + " && qemu-img convert -O vmdk -o subformat=streamOptimized src.raw stream.vmdk && gzip -c plain.qcow2 > plain.qcow2.gz");
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain.qcow2", "small.qcow2", "v2.qcow2", "dynamic.vdi", "mono.vmdk", "stream.vmdk", "plain.qcow2.gz"})
    void damagedCopiesAreConvertedOrRefusedWithAFinding(String image) throws Exception {
        require("qemu-img", "gzip");
        byte[] original = Files.readAllBytes(dir.resolve(image));
        Random random = new Random(image.hashCode());
        int refused = 0;
        for (int i = 0; i < MUTANTS; i++) {
            byte[] mutant = mutate(original, random, i % 3);
            Path file = dir.resolve("mutant-" + image);
            Files.write(file, mutant);
            if (!convertsOrRefuses(file, "mutant " + i + " of " + image)) refused++;
        }
        assertThat(refused).as("mutants refused with a finding").isPositive();
    }

    /** Kind 0: bytes flipped in the first 64 KiB (headers, tables); 1: anywhere; 2: cut at a random length. */
    private static byte[] mutate(byte[] original, Random random, int kind) {
        if (kind == 2) return Arrays.copyOf(original, random.nextInt(original.length));
        byte[] m = original.clone();
        int span = kind == 0 ? Math.min(m.length, 64 * 1024) : m.length;
        int flips = 1 + random.nextInt(8);
        for (int k = 0; k < flips; k++) {
            int at = random.nextInt(span);
            m[at] = random.nextInt(4) == 0 ? (byte) 0xFF : (byte) random.nextInt(256);
        }
        return m;
    }

    /** True when converted, false when refused with a finding; fails the test on anything else. */
    private static boolean convertsOrRefuses(Path file, String what) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            CountingSink sink = new CountingSink();
            try (ByteSource source = ByteSource.of(file)) {
                new Converter().convert(source, ExtentFiles.NONE, sink, "out.vmdk",
                        Converter.Options.defaults(Target.VMDK).withThreads(1).withMaxVirtualSize(64 * MIB));
                assertThat(sink.finished).isTrue();
                return true;
            } catch (ConversionException e) {
                assertThat(e.finding().message()).as(what).isNotBlank();
                assertThat(sink.aborted).as(what + ": the sink is aborted").isTrue();
                return false;
            } catch (IOException | RuntimeException e) {
                return fail(what + " threw " + e, e);
            }
        }, what + " did not finish");
    }
}
