package dev.vm2ami.image.verdict;

import dev.vm2ami.sampleimages.Containers;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every input gets a verdict: images with mutated headers (fixed seeds), cut at every kind of
 * boundary, or whose headers point far past their end. "No exception escapes" is checked strictly:
 * INSPECTION_INCOMPLETE, which the inspector reports for an exception of its own, must not appear.
 */
class RobustnessTest {
    private static final int MUTANTS_PER_IMAGE = 300;
    private static final long READ_CAP = 4L << 20;

    private static Map<String, SparseImage> samples() {
        return Map.of(
                "raw-mbr.raw", Disks.linuxMbr(),
                "raw-gpt.raw", Disks.linuxUefiGpt(),
                "stream.vmdk", Containers.streamOptimizedVmdk(Disks.linuxMbr()),
                "sparse.vmdk", Containers.vmdk(Disks.linuxMbr(), Containers.VmdkOptions.MONOLITHIC_SPARSE),
                "fixed.vhd", SparseImage.of(SampleImages.fixedVhd(SampleImages.rawWithLinuxPartition(64 * 1024))),
                "dynamic.vhd", Containers.dynamicVhd(Disks.linuxMbr(), 3),
                "disk.vhdx", Containers.vhdx(Disks.linuxMbr()),
                "vm.ova", Containers.ova(List.of(new Containers.OvaDisk("d.vmdk", Containers.streamOptimizedVmdk(Disks.linuxMbr())))));
    }

    private static void assertVerdictWithoutCrash(InspectionReport report, String what) {
        assertThat(report.verdict()).as(what).isNotNull();
        assertThat(report.findings()).as(what).allSatisfy(f -> {
            assertThat(f.code()).isNotEqualTo("INSPECTION_INCOMPLETE");
            assertThat(f.message()).isNotBlank();
            assertThat(f.fix()).isNotBlank();
        });
        assertThat(report.bytesRead()).as(what + ": bytes read").isLessThanOrEqualTo(READ_CAP);
    }

    @TestFactory
    Stream<DynamicTest> everyMutatedHeaderGetsAVerdict() {
        return samples().entrySet().stream().map(sample -> DynamicTest.dynamicTest(sample.getKey(), () -> {
            SparseImage original = sample.getValue();
            long length = original.length();
            Random random = new Random(sample.getKey().hashCode());
            for (int i = 0; i < MUTANTS_PER_IMAGE; i++) {
                SparseImage mutant = original.resized(length);
                int flips = 1 + random.nextInt(16);
                for (int f = 0; f < flips; f++) {
                    // Mostly where the headers are: the first 64 KiB, the last 2 KiB, and the tables of the
                    // containers that keep them further in (VHDX metadata and BAT, partitions' superblocks).
                    long at = switch (random.nextInt(4)) {
                        case 0 -> random.nextLong(Math.min(length, 65536));
                        case 1 -> length - 1 - random.nextLong(Math.min(length, 2048));
                        case 2 -> random.nextLong(Math.min(length, 70L << 20));
                        default -> random.nextLong(length);
                    };
                    mutant.write(at, new byte[]{random.nextInt(4) == 0 ? (byte) 0xFF : (byte) random.nextInt(256)});
                }
                InspectionReport report = Inspect.image(mutant, sample.getKey());
                assertVerdictWithoutCrash(report, sample.getKey() + " mutant " + i);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyTruncationGetsAVerdict() {
        return samples().entrySet().stream().map(sample -> DynamicTest.dynamicTest(sample.getKey(), () -> {
            SparseImage original = sample.getValue();
            long length = original.length();
            Random random = new Random(42);
            long[] cuts = {1, 11, 511, 512, 513, 1024, 4096, 65536, 65537, 196608, length - 1, length - 512, length - 1024,
                    random.nextLong(length), random.nextLong(length)};
            for (long cut : cuts) {
                if (cut <= 0 || cut >= length) continue;
                InspectionReport report = Inspect.image(original.resized(cut), sample.getKey());
                assertVerdictWithoutCrash(report, sample.getKey() + " cut at " + cut);
                if (mustNotice(sample.getKey(), cut, length)) {
                    assertThat(report.verdict()).as(sample.getKey() + " cut at " + cut).isNotEqualTo(Verdict.ACCEPT);
                }
            }
        }));
    }

    /**
     * A cut through the headers is always noticed, and so is any cut of a format with a footer. Not
     * noticed, by design: a VHD one byte short (a valid pre-2004 511-byte footer), the tar padding at
     * the end of an OVA, and payload blocks of a VHDX or raw disk that inspection never reads.
     */
    private static boolean mustNotice(String name, long cut, long length) {
        if (cut <= 65537) return true;
        if (name.endsWith(".vmdk")) return true;
        return name.endsWith(".vhd") && cut < length - 1;
    }

    @Test
    void rejectsADynamicVhdWhoseAllocationTableLiesFarPastItsEnd() {
        SparseImage vhd = Containers.dynamicVhd(Disks.linuxMbr(), 3);
        byte[] header = vhd.read(512, 1024);
        ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN).putLong(16, 1L << 62);
        fixVhdChecksum(header, 36);
        vhd.write(512, header);

        InspectionReport report = Inspect.image(vhd, "disk.vhd");

        assertVerdictWithoutCrash(report, "BAT at 2^62");
        assertThat(Inspect.codes(report)).containsExactly("IMAGE_TRUNCATED");
    }

    @Test
    void rejectsAVmdkWhoseFooterPointsItsGrainDirectoryOutsideTheFile() {
        byte[] vmdk = Containers.streamOptimizedVmdk(Disks.linuxMbr()).toByteArray();
        ByteBuffer.wrap(vmdk).order(ByteOrder.LITTLE_ENDIAN).putLong(vmdk.length - 1024 + 56, Long.MAX_VALUE / 3);

        InspectionReport report = Inspect.bytes(vmdk, "disk.vmdk");

        assertVerdictWithoutCrash(report, "GD far away");
        assertThat(Inspect.codes(report)).containsExactly("VMDK_CORRUPT");
    }

    @Test
    void rejectsAVmdkClaimingAnAbsurdCapacity() {
        byte[] vmdk = Containers.streamOptimizedVmdk(Disks.linuxMbr()).toByteArray();
        ByteBuffer.wrap(vmdk).order(ByteOrder.LITTLE_ENDIAN).putLong(12, Long.MAX_VALUE);

        InspectionReport report = Inspect.bytes(vmdk, "disk.vmdk");

        assertVerdictWithoutCrash(report, "capacity 2^63");
        assertThat(report.verdict()).isEqualTo(Verdict.REJECT);
    }

    @Test
    void rejectsAnOvaMemberClaimingExabytes() {
        byte[] ova = Containers.ova(List.of(new Containers.OvaDisk("d.vmdk", Containers.streamOptimizedVmdk(Disks.linuxMbr())))).toByteArray();
        byte[] header = Arrays.copyOfRange(ova, 0, 512);
        System.arraycopy("77777777777\0".getBytes(), 0, header, 124, 12);
        fixTarChecksum(header);
        System.arraycopy(header, 0, ova, 0, 512);

        InspectionReport report = Inspect.bytes(ova, "vm.ova");

        assertVerdictWithoutCrash(report, "member of 8 GiB in a small file");
        assertThat(Inspect.codes(report)).contains("IMAGE_TRUNCATED");
    }

    private static void fixVhdChecksum(byte[] data, int at) {
        int sum = 0;
        for (int i = 0; i < data.length; i++) if (i < at || i >= at + 4) sum += data[i] & 0xFF;
        ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN).putInt(at, ~sum);
    }

    private static void fixTarChecksum(byte[] h) {
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) sum += b & 0xFF;
        System.arraycopy(String.format("%06o\0 ", sum).getBytes(), 0, h, 148, 8);
    }
}
