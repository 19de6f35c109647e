package dev.vm2ami.image.convert;

import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.read.ByteSource;
import dev.vm2ami.image.read.FileRangeReader;
import dev.vm2ami.image.verdict.ImageInspector;
import dev.vm2ami.image.verdict.InspectionReport;
import dev.vm2ami.image.verdict.InspectionRequest;
import dev.vm2ami.image.container.DiskFormat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.vm2ami.image.convert.Tools.MIB;
import static dev.vm2ami.image.convert.Tools.asRaw;
import static dev.vm2ami.image.convert.Tools.firstDifference;
import static dev.vm2ami.image.convert.Tools.require;
import static dev.vm2ami.image.convert.Tools.run;
import static dev.vm2ami.image.convert.Tools.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Images made by the tools people use (qemu-img, qemu-io, gzip, xz, zstd) are converted, and the
 * result is checked by qemu-img: {@code qemu-img check} passes on the VMDK, and its virtual disk
 * ({@code qemu-img convert -O raw}) equals, byte for byte, the source's.
 */
class RealToolsConversionTest {
    /** Not a multiple of the 64 KiB grain, so the last grain is partial. */
    private static final long SIZE = 12 * MIB + 3 * 512;

    @TempDir
    static Path dir;

    @BeforeAll
    static void sourceDisk() throws IOException {
        Tools.disk(dir, "src.raw", SIZE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            qcow2 v3                         | v3.qcow2       | qemu-img convert -O qcow2 src.raw v3.qcow2
            qcow2 v3, compressed             | v3c.qcow2      | qemu-img convert -c -O qcow2 src.raw v3c.qcow2
            qcow2 v2                         | v2.qcow2       | qemu-img convert -O qcow2 -o compat=0.10 src.raw v2.qcow2
            qcow2 v2, compressed             | v2c.qcow2      | qemu-img convert -c -O qcow2 -o compat=0.10 src.raw v2c.qcow2
            qcow2 4 KiB clusters, compressed | c4k.qcow2      | qemu-img convert -c -O qcow2 -o cluster_size=4096 src.raw c4k.qcow2
            qcow2 2 MiB clusters             | c2m.qcow2      | qemu-img convert -O qcow2 -o cluster_size=2M src.raw c2m.qcow2
            qcow2 with zero clusters         | zero.qcow2     | qemu-img convert -O qcow2 src.raw zero.qcow2 && qemu-io -c 'write -z 1M 2M' zero.qcow2
            qcow2 extended L2 (subclusters)  | ext.qcow2      | qemu-img create -q -f qcow2 -o extended_l2=on,cluster_size=128k ext.qcow2 12M && qemu-io -c 'write -P 0xab 4k 8k' -c 'write -P 0xcd 1M 100k' -c 'write -z 1040k 8k' ext.qcow2
            VDI dynamic                      | dyn.vdi        | qemu-img convert -O vdi src.raw dyn.vdi
            VDI fixed                        | fixed.vdi      | qemu-img convert -O vdi -o static=on src.raw fixed.vdi
            VMDK monolithicSparse            | mono.vmdk      | qemu-img convert -O vmdk src.raw mono.vmdk
            VMDK streamOptimized             | so.vmdk        | qemu-img convert -O vmdk -o subformat=streamOptimized src.raw so.vmdk
            VMDK monolithicFlat              | flat.vmdk      | qemu-img convert -O vmdk -o subformat=monolithicFlat src.raw flat.vmdk
            """)
    void convertsToAStreamOptimizedVmdkWithTheSameDisk(String what, String image, String make) throws Exception {
        require("qemu-img", "qemu-io");
        sh(dir, make);

        Path out = convert(dir.resolve(image), ExtentFiles.beside(dir), Target.VMDK, image + ".vmdk");

        run(dir, "qemu-img", "check", "-f", "vmdk", out.toString());
        assertSameDisk(dir.resolve(image), out);
    }

    @Test
    void convertsAQcow2WithZstdClusters() throws Exception {
        require("qemu-img");
        Path image = dir.resolve("zstd.qcow2");
        Process p = new ProcessBuilder("qemu-img", "convert", "-c", "-O", "qcow2", "-o", "compression_type=zstd", "src.raw", image.toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assumeTrue(p.waitFor() == 0, "this qemu-img was built without zstd");

        Path out = convert(image, ExtentFiles.NONE, Target.VMDK, "zstd.vmdk");

        assertSameDisk(image, out);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            .raw.gz                          | src.raw          | src.raw.gz       | gzip -c src.raw > src.raw.gz
            .img.xz                          | src.raw          | src.img.xz       | xz -1 -T1 -c src.raw > src.img.xz
            .zst                             | src.raw          | src.raw.zst      | zstd -q -c src.raw > src.raw.zst
            gzip, two members (bgzip, pigz)  | src.raw          | multi.raw.gz     | head -c 5000000 src.raw > p1 && tail -c +5000001 src.raw > p2 && gzip -c p1 > multi.raw.gz && gzip -c p2 >> multi.raw.gz
            xz, multithreaded blocks         | src.raw          | blocks.raw.xz    | xz -1 -T2 --block-size=1MiB -c src.raw > blocks.raw.xz
            zstd, two frames                 | src.raw          | frames.raw.zst   | head -c 5000000 src.raw > f1 && tail -c +5000001 src.raw > f2 && zstd -q -c f1 > frames.raw.zst && zstd -q -c f2 >> frames.raw.zst
            gzip qcow2, compressed clusters  | gz.qcow2         | gz.qcow2.gz      | qemu-img convert -c -O qcow2 src.raw gz.qcow2 && gzip -k gz.qcow2
            xz VDI                           | xz.vdi           | xz.vdi.xz        | qemu-img convert -O vdi src.raw xz.vdi && xz -1 -k xz.vdi
            zstd monolithicSparse VMDK       | zst.vmdk         | zst.vmdk.zst     | qemu-img convert -O vmdk src.raw zst.vmdk && zstd -q -k zst.vmdk
            """)
    void decompressesAndConverts(String what, String inner, String upload, String make) throws Exception {
        require("qemu-img", "gzip", "xz", "zstd");
        sh(dir, make);

        Path out = convert(dir.resolve(upload), ExtentFiles.NONE, Target.VMDK, upload + ".vmdk");

        run(dir, "qemu-img", "check", "-f", "vmdk", out.toString());
        assertSameDisk(dir.resolve(inner), out);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            compressed qcow2    | rq.qcow2   | rq.qcow2   | qemu-img convert -c -O qcow2 src.raw rq.qcow2
            VDI                 | rv.vdi     | rv.vdi     | qemu-img convert -O vdi src.raw rv.vdi
            streamOptimized     | rs.vmdk    | rs.vmdk    | qemu-img convert -O vmdk -o subformat=streamOptimized src.raw rs.vmdk
            .raw.xz             | src.raw    | r.raw.xz   | xz -1 -T1 -c src.raw > r.raw.xz
            """)
    void convertsToRawForTheSnapshotPath(String what, String inner, String upload, String make) throws Exception {
        require("qemu-img", "xz");
        sh(dir, make);

        Path out = convert(dir.resolve(upload), ExtentFiles.NONE, Target.RAW, upload + ".raw");

        Path expected = asRaw(dir, dir.resolve(inner), inner + ".expected.raw");
        assertThat(Files.size(out)).isEqualTo(Files.size(expected));
        assertThat(firstDifference(out, expected)).isEqualTo(-1);
    }

    @Test
    void convertsATwoGbMaxExtentSparseVmdkFromItsDescriptorAndExtents() throws Exception {
        require("qemu-img");
        Path split = Files.createDirectory(dir.resolve("split"));
        Tools.disk(split, "big.raw", 2 * 1024 * MIB + 3 * MIB); // two extents of at most 2 GiB
        run(split, "qemu-img", "convert", "-O", "vmdk", "-o", "subformat=twoGbMaxExtentSparse", "big.raw", "split.vmdk");
        assertThat(split.resolve("split-s002.vmdk")).exists();

        Path out = convert(split.resolve("split.vmdk"), ExtentFiles.beside(split), Target.VMDK, "split-converted.vmdk");

        run(split, "qemu-img", "check", "-f", "vmdk", out.toString());
        assertSameDisk(split.resolve("split.vmdk"), out);
    }

    @Test
    void theConvertedVmdkPassesThePreflightInspection() throws Exception {
        require("qemu-img");
        sh(dir, "qemu-img convert -c -O qcow2 src.raw pre.qcow2");
        Path out = convert(dir.resolve("pre.qcow2"), ExtentFiles.NONE, Target.VMDK, "pre.vmdk");

        InspectionReport report;
        try (FileRangeReader reader = new FileRangeReader(out)) {
            report = new ImageInspector().inspect(reader, new InspectionRequest("pre.vmdk", null));
        }
        assertThat(report.format()).isEqualTo(DiskFormat.VMDK);
        assertThat(report.disks().get(0).subformat()).isEqualTo("streamOptimized");
        assertThat(report.virtualSize()).isEqualTo(SIZE);
        assertThat(report.findings()).noneMatch(f -> f.code().startsWith("VMDK_") || f.code().equals("IMAGE_TRUNCATED"));
    }

    @Test
    void reportsWhatItConverted() throws Exception {
        require("qemu-img");
        sh(dir, "qemu-img convert -O qcow2 src.raw report.qcow2");
        Conversion c;
        try (ByteSource source = ByteSource.of(dir.resolve("report.qcow2"))) {
            c = new Converter().convert(source, ExtentFiles.NONE, new FileSink(dir.resolve("report.vmdk")), "report.vmdk",
                    Converter.Options.defaults(Target.VMDK));
        }
        assertThat(c.from()).isEqualTo("qcow2 v3");
        assertThat(c.to()).isEqualTo("stream-optimized VMDK");
        assertThat(c.virtualSize()).isEqualTo(SIZE);
        assertThat(c.bytesWritten()).isEqualTo(Files.size(dir.resolve("report.vmdk")));
        assertThat(c.bytesRead()).isPositive().isLessThanOrEqualTo(Files.size(dir.resolve("report.qcow2")));
        assertThat(c.dataBytes()).isLessThan(SIZE); // the qcow2's unallocated clusters were never read
    }

    static Path convert(Path image, ExtentFiles extents, Target target, String name) throws IOException, ConversionException {
        Path out = image.resolveSibling(name);
        try (ByteSource source = ByteSource.of(image)) {
            new Converter().convert(source, extents, new FileSink(out), name, Converter.Options.defaults(target).withThreads(2));
        }
        return out;
    }

    private static void assertSameDisk(Path source, Path converted) throws IOException, InterruptedException {
        Path expected = asRaw(source.getParent(), source, source.getFileName() + ".expected.raw");
        Path actual = asRaw(converted.getParent(), converted, converted.getFileName() + ".actual.raw");
        assertThat(Files.size(actual)).as("virtual size").isEqualTo(Files.size(expected));
        assertThat(firstDifference(actual, expected)).as("first differing byte").isEqualTo(-1);
    }
}
