package dev.vm2ami.image.verdict;

import dev.vm2ami.image.container.DiskFormat;
import dev.vm2ami.sampleimages.Containers;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VhdInspectionTest {

    @Test
    void acceptsAFixedVhd() {
        InspectionReport report = Inspect.bytes(SampleImages.fixedVhd(SampleImages.rawWithLinuxPartition(1 << 20)), "disk.vhd");

        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(report.disks()).containsExactly(new DiskInfo("disk.vhd", DiskFormat.VHD, "fixed", 1 << 20));
        assertThat(report.partitions()).extracting(PartitionInfo::fileSystem).containsExactly("ext4");
    }

    @Test
    void acceptsADynamicVhdReadingThroughItsBlockAllocationTable() {
        InspectionReport report = Inspect.image(Containers.dynamicVhd(Disks.linuxUefiGpt(), 3), "disk.vhd", BootMode.UEFI);

        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(report.disks().get(0).subformat()).isEqualTo("dynamic");
        assertThat(report.partitions()).extracting(PartitionInfo::fileSystem).containsExactly("vfat", "ext4");
    }

    @Test
    void rejectsADifferencingVhd() {
        InspectionReport report = Inspect.image(Containers.dynamicVhd(Disks.linuxMbr(), 4), "disk.vhd");

        assertThat(Inspect.codes(report)).containsExactly("VHD_DIFFERENCING");
        assertThat(report.findings().get(0).message()).contains("Footers not identical");
        assertThat(report.findings().get(0).fix()).contains("Merge");
    }

    @Test
    void rejectsAVhdWhoseFooterChecksumIsWrong() {
        byte[] vhd = SampleImages.fixedVhd(SampleImages.rawWithLinuxPartition(64 * 1024));
        vhd[vhd.length - 512 + 48] ^= 1; // current size, without fixing the checksum

        InspectionReport report = Inspect.bytes(vhd, "disk.vhd");

        assertThat(Inspect.codes(report)).containsExactly("VHD_CORRUPT");
        assertThat(report.findings().get(0).message()).contains("checksum");
    }

    @Test
    void rejectsADynamicVhdWhoseFooterCopyDiffers() {
        SparseImage vhd = Containers.dynamicVhd(Disks.linuxMbr(), 3);
        vhd.write(0, new byte[]{'x'});

        InspectionReport report = Inspect.image(vhd, "disk.vhd");

        assertThat(Inspect.codes(report)).containsExactly("VHD_CORRUPT");
        assertThat(report.findings().get(0).message()).contains("Footers not identical");
    }

    @Test
    void rejectsAFixedVhdShorterThanItsFooterSays() {
        SparseImage vhd = new SparseImage(64 * 1024 + 512).write(0, SampleImages.rawWithLinuxPartition(64 * 1024))
                .write(64 * 1024, SampleImages.vhdFooter(1024 * 1024, 2));

        InspectionReport report = Inspect.image(vhd, "disk.vhd");

        assertThat(Inspect.codes(report)).containsExactly("IMAGE_TRUNCATED");
    }

    @Test
    void acceptsAVhdxReadingThroughItsBat() {
        InspectionReport report = Inspect.image(Containers.vhdx(Disks.linuxMbr()), "disk.vhdx");

        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(report.disks()).containsExactly(new DiskInfo("disk.vhdx", DiskFormat.VHDX, "dynamic", 64 * Disks.MIB));
        assertThat(report.partitions()).extracting(PartitionInfo::fileSystem).containsExactly("ext4", "swap");
    }

    @Test
    void rejectsAVhdxWhoseHeadersAreBothDamaged() {
        SparseImage vhdx = Containers.vhdx(Disks.linuxMbr());
        vhdx.write(64 * 1024 + 100, new byte[]{1});
        vhdx.write(128 * 1024 + 100, new byte[]{1});

        InspectionReport report = Inspect.image(vhdx, "disk.vhdx");

        assertThat(Inspect.codes(report)).containsExactly("VHDX_CORRUPT");
        assertThat(report.findings().get(0).message()).contains("CRC-32C");
    }

    @Test
    void readsAVhdxWhoseFirstHeaderIsDamagedThroughTheSecond() {
        SparseImage vhdx = Containers.vhdx(Disks.linuxMbr());
        vhdx.write(64 * 1024 + 100, new byte[]{1});

        assertThat(Inspect.image(vhdx, "disk.vhdx").verdict()).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void warnsAboutAVhdxWithALogNeverReplayed() {
        InspectionReport report = Inspect.image(Containers.vhdxWithPendingLog(Disks.linuxMbr()), "disk.vhdx");

        assertThat(report.verdict()).isEqualTo(Verdict.WARN);
        assertThat(Inspect.codes(report)).containsExactly("VHDX_LOG_PENDING");
    }
}
