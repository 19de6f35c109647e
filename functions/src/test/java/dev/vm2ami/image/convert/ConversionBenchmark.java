package dev.vm2ami.image.convert;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.vm2ami.image.convert.Tools.MIB;
import static dev.vm2ami.image.convert.Tools.require;
import static dev.vm2ami.image.convert.Tools.sh;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Figures, not timed assertions. Run with {@code ./mvnw -B -Pbench -pl functions verify
 * -Dtest=ConversionBenchmark}. Each conversion runs in a JVM of its own with a small heap
 * ({@link #HEAP}), from a local file into a counting sink (so storage is not measured):
 * <ul>
 *   <li>throughput, MB/s of virtual disk, per format, for a disk whose every grain holds data
 *       (half random, half text: what an OS disk's used blocks compress like) and for a sparse one
 *       (10% data), with 1 and 2 deflating threads;</li>
 *   <li>the memory ceiling: the same conversion at two sizes, peak heap in use and live heap;</li>
 *   <li>what the Lambda engine can take in 15 minutes, from the measured throughput and an assumed
 *       S3 throughput.</li>
 * </ul>
 */
@Tag("bench")
class ConversionBenchmark {
    private static final long SIZE = 1024 * MIB;
    private static final String HEAP = "-Xmx48m";
    /** Assumed, not measured here: one Lambda's ranged GETs and part uploads, each way. */
    private static final double S3_MB_PER_S = 80;
    /** Assumed: the share of a vCPU that HTTPS to S3 takes at that rate. */
    private static final double S3_CPU_SHARE = 0.15;

    @TempDir
    static Path dir;

    private record Figures(double seconds, long virtual, long data, long written, long peakHeap, long liveHeap, String from,
                           double cpuSeconds) {
        double mbPerS() {
            return virtual / 1e6 / seconds;
        }

        /** MB of virtual disk per CPU-second: what one vCPU does, however busy this shared machine is. */
        double mbPerCpuS() {
            return virtual / 1e6 / cpuSeconds;
        }
    }

    @Test
    void printsThroughputMemoryAndTheLambdaLimit() throws Exception {
        require("qemu-img", "gzip", "xz", "zstd");
        disk(dir.resolve("full.raw"), SIZE, 1.0);
        disk(dir.resolve("sparse.raw"), SIZE, 0.1);
        List<String[]> formats = List.of(
                new String[]{"qcow2", "qemu-img convert -O qcow2 %1$s.raw %1$s.qcow2", "%s.qcow2"},
                new String[]{"qcow2, compressed", "qemu-img convert -c -O qcow2 %1$s.raw %1$s.c.qcow2", "%s.c.qcow2"},
                new String[]{"VDI", "qemu-img convert -O vdi %1$s.raw %1$s.vdi", "%s.vdi"},
                new String[]{"VMDK monolithicSparse", "qemu-img convert -O vmdk %1$s.raw %1$s.vmdk", "%s.vmdk"},
                new String[]{"raw", "true", "%s.raw"},
                new String[]{"raw.gz", "gzip -1 -c %1$s.raw > %1$s.raw.gz", "%s.raw.gz"},
                new String[]{"raw.zst", "zstd -q -T2 -c %1$s.raw > %1$s.raw.zst", "%s.raw.zst"},
                new String[]{"raw.xz", "xz -1 -T2 -c %1$s.raw > %1$s.raw.xz", "%s.raw.xz"},
                new String[]{"qcow2.gz (temp file)", "gzip -1 -c %1$s.qcow2 > %1$s.qcow2.gz", "%s.qcow2.gz"});
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%-24s %-7s %8s %8s %9s %8s %9s%n", "format", "disk", "1 thr", "2 thr", "per CPU-s",
                "out MiB", "peak heap"));
        double slowestFull = Double.MAX_VALUE;
        for (String[] f : formats) {
            for (String kind : List.of("full", "sparse")) {
                sh(dir, String.format(Locale.ROOT, f[1], kind));
                Path image = dir.resolve(String.format(Locale.ROOT, f[2], kind));
                Figures one = measure(image, 1, "VMDK");
                Figures two = measure(image, 2, "VMDK");
                table.append(String.format(Locale.ROOT, "%-24s %-7s %8.0f %8.0f %9.0f %8d %8.1fM%n", f[0], kind, one.mbPerS(), two.mbPerS(),
                        one.mbPerCpuS(), two.written() >> 20, Math.max(one.peakHeap(), two.peakHeap()) / 1048576.0));
                if (kind.equals("full") && !f[0].contains("xz") && !f[0].contains("temp")) slowestFull = Math.min(slowestFull, one.mbPerCpuS());
            }
        }
        Figures raw = measure(dir.resolve("full.c.qcow2"), 1, "RAW");
        table.append(String.format(Locale.ROOT, "%-24s %-7s %8.0f %8s %9.0f (raw output, the snapshot path)%n", "qcow2, compressed", "full",
                raw.mbPerS(), "-", raw.mbPerCpuS()));
        System.out.print("\nConversion throughput, MB/s of virtual disk (" + (SIZE >> 20) + " MiB disk, into a counting sink; wall clock with"
                + " 1 and 2 deflating threads, and per CPU-second with 1; load average " + loadAverage() + "):\n" + table);

        // The memory ceiling: the same disk at two sizes, each in a JVM limited to HEAP.
        StringBuilder memory = new StringBuilder();
        for (long size : new long[]{512 * MIB, 4096 * MIB}) {
            Path d = dir.resolve("m" + (size >> 20) + ".raw");
            disk(d, size, 1.0);
            sh(dir, "qemu-img convert -c -O qcow2 " + d.getFileName() + " m.qcow2 && gzip -1 -c " + d.getFileName() + " > m.raw.gz && rm "
                    + d.getFileName());
            for (String file : List.of("m.qcow2", "m.raw.gz")) {
                Figures m = measure(dir.resolve(file), 2, "VMDK");
                memory.append(String.format(Locale.ROOT, "  %-28s %5d MiB disk: peak heap in use %5.1f MiB, live after GC %5.1f MiB%n",
                        m.from().replace('_', ' '), size >> 20, m.peakHeap() / 1048576.0, m.liveHeap() / 1048576.0));
            }
        }
        System.out.print("\nMemory, each conversion in a JVM with " + HEAP + " (2 deflating threads):\n" + memory);

        StringBuilder lambda = new StringBuilder();
        for (int vcpu : new int[]{1, 2, 6}) {
            double convert = vcpu * slowestFull * (1 - S3_CPU_SHARE);
            double rate = Math.min(convert, S3_MB_PER_S);
            lambda.append(String.format(Locale.ROOT, "  %5d MB (%d vCPU): %4.0f MB/s (%s-bound) -> %4.0f GB of allocated disk in 14 minutes%n",
                    vcpu == 1 ? 1769 : vcpu == 2 ? 3538 : 10240, vcpu, rate, convert < S3_MB_PER_S ? "CPU" : "S3", rate * 840 / 1000));
        }
        System.out.printf(Locale.ROOT, "%nLambda engine (15 minutes less one for start and completing the upload): the converter does %.0f MB"
                        + " per CPU-second (slowest uncompressed format, full disk); assumed: %.0f%% of a vCPU goes to S3 I/O (TLS),"
                        + " S3 gives %.0f MB/s each way; a sparse disk's holes cost next to nothing:%n%s",
                slowestFull, S3_CPU_SHARE * 100, S3_MB_PER_S, lambda);
        assertThat(slowestFull).isPositive();
    }

    private static Figures measure(Path image, int threads, String target) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, HEAP, "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), MeasuredConversion.class.getName(), image.toString(), String.valueOf(threads), target)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String line = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow(() -> new AssertionError(out));
        String[] v = line.split(" ");
        return new Figures(Double.parseDouble(v[1]), Long.parseLong(v[2]), Long.parseLong(v[3]), Long.parseLong(v[4]),
                Long.parseLong(v[5]), Long.parseLong(v[6]), v[7], Double.parseDouble(v[8]));
    }

    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.1f on %d cores", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
    }

    /** A disk of {@code size} bytes, {@code fraction} of its MiBs holding data: half random, half text. Sparse elsewhere. */
    private static void disk(Path file, long size, double fraction) throws IOException {
        Random random = new Random(42);
        byte[] noise = new byte[(int) MIB];
        byte[] text = "Lorem ipsum dolor sit amet, vm2ami converts disks; /usr/lib/x86_64-linux-gnu/libc.so.6 0x7f3a\n"
                .repeat((int) (MIB / 90) + 1).getBytes(StandardCharsets.US_ASCII);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
            for (long mib = 0; mib < size / MIB; mib++) {
                if (random.nextDouble() >= fraction) continue;
                f.seek(mib * MIB);
                if (mib % 2 == 0) {
                    random.nextBytes(noise);
                    f.write(noise);
                } else {
                    f.write(text, (int) (mib % 64), (int) MIB);
                }
            }
        }
        Files.size(file);
    }

}
