package dev.vm2ami.image.verdict;

import dev.vm2ami.image.finding.Sizes;
import dev.vm2ami.image.read.FileRangeReader;
import dev.vm2ami.sampleimages.Containers;
import dev.vm2ami.sampleimages.DiskBuilder;
import dev.vm2ami.sampleimages.FileSystemSample;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.vm2ami.image.verdict.Disks.GIB;
import static dev.vm2ami.image.verdict.Disks.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Figures, not timed assertions: bytes read, read requests and wall time of inspecting each format
 * from a sparse file, including a 2 GiB raw disk and a VMDK of several GB. Run with
 * {@code mvn -B -Pbench -pl functions verify}; excluded from the default build.
 */
@Tag("bench")
class InspectionBenchmark {
    private static final int RUNS = 7;

    @TempDir
    Path dir;

    private static SparseImage uefiLinux(long size) {
        return DiskBuilder.gpt(size).partition(DiskBuilder.ESP, 256 * MIB, FileSystemSample.ESP_WITH_BOOTX64)
                .partition(DiskBuilder.LINUX, GIB, FileSystemSample.EXT4)
                .partition(DiskBuilder.LINUX, size - 2 * GIB, FileSystemSample.XFS).build();
    }

    private static SparseImage biosLinux(long size) {
        return DiskBuilder.mbr(size).partition("0x83", GIB, FileSystemSample.EXT4)
                .partition("0x8E", size - 2 * GIB, FileSystemSample.LVM2).build().write(size - MIB, new byte[]{1});
    }

    @Test
    void printsTheCostOfInspectingEachFormat() throws IOException {
        Map<String, SparseImage> images = new LinkedHashMap<>();
        images.put("2gib-gpt-uefi.raw", uefiLinux(2 * GIB));
        images.put("2gib-mbr.raw", biosLinux(2 * GIB));
        SparseImage bigVmdk = Containers.vmdk(biosLinux(40 * GIB), Containers.VmdkOptions.STREAM_OPTIMIZED.withFiller(6 * GIB));
        images.put("40gib-stream.vmdk", bigVmdk);
        images.put("40gib-sparse.vmdk", Containers.vmdk(biosLinux(40 * GIB), Containers.VmdkOptions.MONOLITHIC_SPARSE));
        images.put("2gib-fixed.vhd", Containers.fixedVhd(biosLinux(2 * GIB)));
        images.put("40gib-dynamic.vhd", Containers.dynamicVhd(uefiLinux(40 * GIB), 3));
        images.put("40gib.vhdx", Containers.vhdx(uefiLinux(40 * GIB)));
        images.put("vm.ova", Containers.ova(List.of(new Containers.OvaDisk("vm-disk1.vmdk", bigVmdk),
                new Containers.OvaDisk("vm-disk2.vmdk", Containers.streamOptimizedVmdk(biosLinux(8 * GIB))))));
        images.put("15tib-fixed.vhd", Containers.fixedVhd(biosLinux(15L << 40)));

        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, SparseImage> e : images.entrySet()) files.add(e.getValue().writeTo(dir.resolve(e.getKey())));
        for (Path f : files) inspect(f); // warm-up: class loading and JIT, not the image

        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n%-20s %-6s %10s %10s %-7s %10s %8s %9s%n",
                "image", "format", "file", "disk", "verdict", "bytes read", "requests", "ms (med)"));
        for (Path f : files) {
            InspectionReport report = null;
            double[] millis = new double[RUNS];
            for (int i = 0; i < RUNS; i++) {
                long t = System.nanoTime();
                report = inspect(f);
                millis[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(millis);
            assertThat(report.findings()).noneMatch(x -> x.code().equals("INSPECTION_INCOMPLETE"));
            table.append(String.format(Locale.ROOT, "%-20s %-6s %10s %10s %-7s %10d %8d %9.2f%n", f.getFileName(), report.format(),
                    Sizes.human(Files.size(f), "bytes"), Sizes.human(report.virtualSize(), "bytes"), report.verdict(), report.bytesRead(),
                    report.rangeRequests(), millis[RUNS / 2]));
        }
        System.out.println(table);
    }

    private static InspectionReport inspect(Path file) throws IOException {
        try (FileRangeReader reader = new FileRangeReader(file)) {
            return new ImageInspector().inspect(reader, new InspectionRequest(file.getFileName().toString(), null));
        }
    }
}
