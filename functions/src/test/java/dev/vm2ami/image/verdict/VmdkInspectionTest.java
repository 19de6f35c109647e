package dev.vm2ami.image.verdict;

import dev.vm2ami.image.container.DiskFormat;
import dev.vm2ami.sampleimages.Containers;
import dev.vm2ami.sampleimages.Containers.VmdkOptions;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class VmdkInspectionTest {

    @Test
    void acceptsAStreamOptimizedVmdkAndReadsItsPartitionsThroughTheGrains() {
        InspectionReport report = Inspect.image(Containers.streamOptimizedVmdk(Disks.linuxMbr()), "server.vmdk");

        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(report.findings()).isEmpty();
        assertThat(report.disks()).containsExactly(new DiskInfo("server.vmdk", DiskFormat.VMDK, "streamOptimized", 64 * Disks.MIB));
        assertThat(report.partitions()).extracting(PartitionInfo::fileSystem).containsExactly("ext4", "swap");
    }

    @Test
    void keepsTheSampleStreamOptimizedVmdkImportable() {
        InspectionReport report = Inspect.bytes(SampleImages.streamOptimizedVmdkHeader(2048), "disk.vmdk");

        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(report.virtualSize()).isEqualTo(2048 * 512);
    }

    @Test
    void convertsAVmdkThatIsNotStreamOptimizedAndReadsItsPartitionsThroughTheConvertersReader() {
        InspectionReport report = Inspect.image(Containers.vmdk(Disks.linuxMbr(), VmdkOptions.MONOLITHIC_SPARSE), "workstation.vmdk");

        assertThat(report.verdict()).isEqualTo(Verdict.CONVERT);
        assertThat(report.findings()).isEmpty();
        assertThat(report.conversion()).contains(new InspectionReport.ConversionPlan("VMDK (monolithicSparse)", "stream-optimized VMDK", false));
        assertThat(report.partitions()).extracting(PartitionInfo::fileSystem).containsExactly("ext4", "swap");
    }

    @Test
    void theSampleMonolithicSparseHeaderHasNoGrainDirectoryToConvert() {
        InspectionReport report = Inspect.bytes(SampleImages.monolithicSparseVmdkHeader(2048), "disk.vmdk");

        assertThat(report.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(Inspect.codes(report)).containsExactly("VMDK_CORRUPT");
        assertThat(report.findings().get(0).message()).contains("no grain directory");
    }

    @Test
    void rejectsADescriptorOnlyVmdkNamingTheExtentThatIsNotThere() {
        InspectionReport report = Inspect.bytes(Containers.flatVmdkDescriptor(41943040, "server-flat.vmdk"), "server.vmdk");

        assertThat(report.format()).isEqualTo(DiskFormat.VMDK);
        assertThat(report.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(Inspect.codes(report)).containsExactly("VMDK_EXTENT_MISSING");
        assertThat(report.findings().get(0).message()).contains("'server-flat.vmdk'");
    }

    @Test
    void rejectsASnapshotDeltaVmdk() {
        SparseImage delta = Containers.vmdk(Disks.linuxMbr(), VmdkOptions.STREAM_OPTIMIZED.withParent("5a1b2c3d"));

        InspectionReport report = Inspect.image(delta, "server-000001.vmdk");

        assertThat(Inspect.codes(report)).contains("VMDK_SNAPSHOT_DELTA");
        assertThat(report.findings().get(0).message()).contains("5a1b2c3d");
        assertThat(report.findings().get(0).fix()).contains("snapshots");
    }

    @Test
    void rejectsAStreamOptimizedVmdkWithoutDeflateCompression() {
        SparseImage image = Containers.vmdk(Disks.linuxMbr(), VmdkOptions.STREAM_OPTIMIZED.withCompressAlgorithm(0));

        InspectionReport report = Inspect.image(image, "disk.vmdk");

        assertThat(Inspect.codes(report)).contains("VMDK_UNSUPPORTED_COMPRESSION");
        assertThat(report.findings().get(0).message()).contains("unsupported compression algorithm");
    }

    @Test
    void rejectsAStreamOptimizedVmdkCutBeforeItsFooter() {
        byte[] whole = Containers.streamOptimizedVmdk(Disks.linuxMbr()).toByteArray();

        InspectionReport report = Inspect.bytes(Arrays.copyOf(whole, whole.length - 1536), "disk.vmdk");

        assertThat(Inspect.codes(report)).containsExactly("IMAGE_TRUNCATED");
        assertThat(report.findings().get(0).message()).contains("footer");
        assertThat(report.findings().get(0).fix()).contains("upload the whole file again");
    }

    @Test
    void rejectsAVmdkWhoseGrainDoesNotInflate() {
        byte[] vmdk = Containers.streamOptimizedVmdk(Disks.linuxMbr()).toByteArray();
        int firstGrainData = 128 * 512 + 12; // the first grain marker follows the 128-sector overhead
        for (int i = 8; i < 64; i++) vmdk[firstGrainData + i] ^= 0x5A;

        InspectionReport report = Inspect.bytes(vmdk, "disk.vmdk");

        assertThat(Inspect.codes(report)).containsExactly("VMDK_CORRUPT");
        assertThat(report.findings().get(0).message()).contains("grain for sector 0");
    }

    @Test
    void rejectsASeSparseExtent() {
        byte[] seSparse = new byte[4096];
        seSparse[0] = (byte) 0xBE;
        seSparse[1] = (byte) 0xBA;
        seSparse[2] = (byte) 0xFE;
        seSparse[3] = (byte) 0xCA;

        InspectionReport report = Inspect.bytes(seSparse, "disk-sesparse.vmdk");

        assertThat(report.format()).isEqualTo(DiskFormat.VMDK);
        assertThat(Inspect.codes(report)).containsExactly("VMDK_SNAPSHOT_DELTA");
        assertThat(report.findings().get(0).message()).contains("SEsparse");
    }
}
