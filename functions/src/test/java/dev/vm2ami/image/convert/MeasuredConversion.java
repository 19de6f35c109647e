package dev.vm2ami.image.convert;

import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.read.ByteSource;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

/**
 * Converts one file into nothing (a counting sink) and prints one line: seconds, virtual and data
 * bytes, output bytes, the CPU seconds it took (all threads), and the heap: the most sampled in use (garbage included) and the most live
 * after a collection. The benchmark runs it in a JVM of its own with a small -Xmx, so the heap it
 * reports is the conversion's alone and a ceiling that held is a ceiling proven.
 */
public final class MeasuredConversion {
    private MeasuredConversion() {}

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        Target target = Target.valueOf(args[2]);
        long[] peak = new long[2];
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Runtime rt = Runtime.getRuntime();
                peak[0] = Math.max(peak[0], rt.totalMemory() - rt.freeMemory());
                long live = 0;
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) live += pool.getCollectionUsage().getUsed();
                }
                peak[1] = Math.max(peak[1], live);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        CountingSink sink = new CountingSink();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = os.getProcessCpuTime();
        Conversion c;
        try (ByteSource source = ByteSource.of(image)) {
            c = new Converter().convert(source, ExtentFiles.beside(image.toAbsolutePath().getParent()), sink, "out.vmdk",
                    Converter.Options.defaults(target).withThreads(threads));
        }
        double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9;
        sampler.interrupt();
        sampler.join();
        System.out.printf(java.util.Locale.ROOT, "RESULT %.3f %d %d %d %d %d %s %.3f%n", c.seconds(), c.virtualSize(), c.dataBytes(),
                c.bytesWritten(), peak[0], peak[1], c.from().replace(' ', '_'), cpu);
    }
}
