package dev.vm2ami.image.convert;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The tools people make images with (Debian packages qemu-utils, gzip, xz-utils, zstd), and a test
 * disk to feed them. Tests that need a missing tool are skipped with a notice.
 */
final class Tools {
    static final long MIB = 1L << 20;

    private Tools() {}

    static boolean has(String tool) {
        for (String p : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
            if (Files.isExecutable(Path.of(p, tool))) return true;
        }
        return false;
    }

    static void require(String... tools) {
        for (String t : tools) assumeTrue(has(t), t + " is not installed (Debian: qemu-utils, gzip, xz-utils, zstd)");
    }

    /** Runs a command in {@code dir}; fails the test with its output unless it exits 0. */
    static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        String out = new String(output, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
        return out;
    }

    /** Runs a shell pipeline (for compressing through stdout). */
    static void sh(Path dir, String script) throws IOException, InterruptedException {
        run(dir, "sh", "-c", script);
    }

    /**
     * A sparse raw disk of {@code size} bytes with something in it: incompressible blocks, text-like
     * blocks, a few bytes in the middle of a grain, the last sector; zeros elsewhere. Deterministic.
     */
    static Path disk(Path dir, String name, long size) throws IOException {
        Path file = dir.resolve(name);
        Random random = new Random(size);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
            byte[] noise = new byte[(int) Math.min(size / 8, 3 * MIB)];
            random.nextBytes(noise);
            f.seek(0);
            f.write(noise, 0, 4096);
            f.seek(MIB);
            f.write(noise);
            byte[] text = "vm2ami converts qcow2, VDI and sparse VMDK images. ".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
            long textAt = Math.min(size / 2, size - text.length - 4096) / 512 * 512;
            f.seek(textAt);
            f.write(text);
            f.seek(size / 3 / 512 * 512 + 1000);
            f.write("a few bytes in the middle of a grain".getBytes(StandardCharsets.US_ASCII));
            f.seek(size - 512);
            f.write(noise, 0, 512);
        }
        return file;
    }

    /** The image's virtual disk as qemu-img reads it. */
    static Path asRaw(Path dir, Path image, String name) throws IOException, InterruptedException {
        Path raw = dir.resolve(name);
        run(dir, "qemu-img", "convert", "-O", "raw", image.toString(), raw.toString());
        return raw;
    }

    /** Whether two files hold the same bytes, compared a MiB at a time. */
    static long firstDifference(Path a, Path b) throws IOException {
        try (var x = Files.newInputStream(a); var y = Files.newInputStream(b)) {
            byte[] p = new byte[(int) MIB];
            byte[] q = new byte[(int) MIB];
            long at = 0;
            while (true) {
                int n = x.readNBytes(p, 0, p.length);
                int m = y.readNBytes(q, 0, q.length);
                long mismatch = java.util.Arrays.mismatch(p, 0, n, q, 0, m);
                if (mismatch >= 0) return at + mismatch;
                if (n == 0) return -1;
                at += n;
            }
        }
    }
}
