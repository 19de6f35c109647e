package dev.vm2ami.image.verdict;

import dev.vm2ami.sampleimages.Containers;
import dev.vm2ami.sampleimages.DiskBuilder;
import dev.vm2ami.sampleimages.FileSystemSample;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.vm2ami.image.verdict.Disks.GIB;
import static dev.vm2ami.image.verdict.Disks.MIB;
import static org.assertj.core.api.Assertions.assertThat;

class DiskLayoutTest {

    @Test
    void rejectsARawDiskWithoutAPartitionTable() {
        InspectionReport report = Inspect.bytes(SampleImages.rawWithoutPartitionTable(64 * 1024), "disk.raw");

        assertThat(report.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(Inspect.codes(report)).containsExactly("NO_PARTITION_TABLE");
        assertThat(report.findings().get(0).fix()).contains("MBR or GPT");
    }

    @Test
    void saysWhenAFileSystemWasExportedInsteadOfTheDisk() {
        SparseImage bare = new SparseImage(64 * MIB);
        FileSystemSample.EXT4.writeTo(bare, 0, bare.length());

        InspectionReport report = Inspect.image(bare, "root.img");

        assertThat(Inspect.codes(report)).containsExactly("NO_PARTITION_TABLE");
        assertThat(report.findings().get(0).message()).contains("bare ext4 file system");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"EXT2, ext2", "EXT3, ext3", "EXT4, ext4", "XFS, xfs", "BTRFS, btrfs", "JFS, jfs", "NTFS, ntfs", "LVM2, lvm2"})
    void namesTheFileSystemInEachPartition(FileSystemSample fs, String name) {
        SparseImage disk = DiskBuilder.mbr(GIB).partition("0x83", 512 * MIB, fs).build();

        InspectionReport report = Inspect.image(disk, "disk.raw");

        // Only EXT4 is a whole file system; the others are their magic, which OS inspection finds damaged.
        assertThat(report.verdict()).isNotEqualTo(Verdict.REJECT);
        assertThat(report.partitions()).singleElement().satisfies(p -> {
            assertThat(p.fileSystem()).isEqualTo(name);
            assertThat(p.scheme()).isEqualTo("MBR");
            assertThat(p.type()).isEqualTo("0x83");
            assertThat(p.offset()).isEqualTo(MIB);
            assertThat(p.size()).isEqualTo(512 * MIB);
            assertThat(p.bootable()).isTrue();
        });
    }

    @Test
    void readsLogicalPartitionsThroughTheChainOfExtendedBootRecords() {
        long extended = 300 * MIB;
        SparseImage disk = DiskBuilder.mbr(GIB).partition("0x83", 256 * MIB, FileSystemSample.EXT4)
                .partitionAt("0x05", extended, 600 * MIB, FileSystemSample.NONE).build();
        disk.write(extended, ebr(0x83, 2048, 200 * MIB, 250 * MIB));
        disk.write(extended + 250 * MIB, ebr(0x82, 2048, 100 * MIB, 0));
        FileSystemSample.XFS.writeTo(disk, extended + MIB, 200 * MIB);
        FileSystemSample.SWAP.writeTo(disk, extended + 251 * MIB, 100 * MIB);

        InspectionReport report = Inspect.image(disk, "disk.raw");

        // The logical XFS partition is only its magic: OS inspection says so, and finds Ubuntu on partition 1.
        assertThat(Inspect.codes(report)).containsExactly("FILE_SYSTEM_DAMAGED");
        assertThat(report.os()).map(os -> os.root()).contains("partition 1");
        assertThat(report.partitions()).extracting(PartitionInfo::index, PartitionInfo::type, PartitionInfo::offset, PartitionInfo::fileSystem)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "0x83", MIB, "ext4"),
                        org.assertj.core.groups.Tuple.tuple(2, "0x05", extended, "unknown"),
                        org.assertj.core.groups.Tuple.tuple(5, "0x83", extended + MIB, "xfs"),
                        org.assertj.core.groups.Tuple.tuple(6, "0x82", extended + 251 * MIB, "swap"));
    }

    /** An extended boot record: one logical partition (relative to this EBR) and the next EBR (relative to the extended partition). */
    private static byte[] ebr(int type, long startSector, long bytes, long nextEbrOffset) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(512).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(446 + 4, (byte) type).putInt(446 + 8, (int) startSector).putInt(446 + 12, (int) (bytes / 512));
        if (nextEbrOffset > 0) b.put(462 + 4, (byte) 0x05).putInt(462 + 8, (int) (nextEbrOffset / 512)).putInt(462 + 12, 2048);
        b.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        return b.array();
    }

    @Test
    void readsAGptWithItsCrcs() {
        InspectionReport report = Inspect.image(Disks.linuxUefiGpt(), "disk.raw", BootMode.UEFI);

        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(report.partitions()).extracting(PartitionInfo::scheme, PartitionInfo::type, PartitionInfo::fileSystem)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("GPT", DiskBuilder.ESP, "vfat"),
                        org.assertj.core.groups.Tuple.tuple("GPT", DiskBuilder.LINUX, "ext4"));
    }

    @Test
    void rejectsAGptWhoseHeaderCrcIsWrong() {
        SparseImage disk = Disks.linuxUefiGpt().write(512 + 40, new byte[]{0x7F});

        InspectionReport report = Inspect.image(disk, "disk.raw");

        assertThat(Inspect.codes(report)).containsExactly("GPT_CORRUPT");
        assertThat(report.findings().get(0).message()).contains("GPT header's CRC32");
    }

    @Test
    void rejectsAGptWhosePartitionEntriesCrcIsWrong() {
        SparseImage disk = Disks.linuxUefiGpt().write(1024 + 32, new byte[]{0x7F});

        InspectionReport report = Inspect.image(disk, "disk.raw");

        assertThat(Inspect.codes(report)).containsExactly("GPT_CORRUPT");
        assertThat(report.findings().get(0).message()).contains("partition entries' CRC32");
    }

    @Test
    void rejectsAProtectiveMbrWithoutAGpt() {
        SparseImage disk = Disks.linuxUefiGpt().write(512, new byte[8]);

        assertThat(Inspect.codes(Inspect.image(disk, "disk.raw"))).containsExactly("GPT_CORRUPT");
    }

    @Test
    void warnsWhenNoPartitionHoldsAFileSystemEc2Reads() {
        SparseImage disk = DiskBuilder.mbr(GIB).partition("0x82", 256 * MIB, FileSystemSample.SWAP)
                .partition("0x83", 256 * MIB, FileSystemSample.NONE).build();

        InspectionReport report = Inspect.image(disk, "disk.raw");

        assertThat(report.verdict()).isEqualTo(Verdict.WARN);
        assertThat(Inspect.codes(report)).containsExactly("NO_SUPPORTED_FILE_SYSTEM");
        assertThat(report.findings().get(0).message()).contains("swap, unknown").contains("Unknown OS / Missing OS files");
    }

    @Test
    void warnsAboutAWindowsReFsVolume() {
        SparseImage disk = DiskBuilder.mbr(GIB).partition("0x07", 512 * MIB, FileSystemSample.REFS).build();

        assertThat(Inspect.codes(Inspect.image(disk, "disk.raw"))).containsExactly("NO_SUPPORTED_FILE_SYSTEM");
    }

    @Test
    void warnsAboutAnEncryptedPartition() {
        SparseImage disk = DiskBuilder.mbr(GIB).partition("0x83", 256 * MIB, FileSystemSample.EXT4)
                .partition("0x83", 512 * MIB, FileSystemSample.LUKS).build();

        InspectionReport report = Inspect.image(disk, "disk.raw");

        assertThat(Inspect.codes(report)).containsExactly("ENCRYPTED_PARTITION");
        assertThat(report.findings().get(0).message()).contains("Partition 2").contains("LUKS");
    }

    @Test
    void warnsWhenTheMbrHoldsNoBootCode() {
        SparseImage disk = DiskBuilder.mbr(GIB).bootCode(false).partition("0x83", 512 * MIB, FileSystemSample.EXT4).build();

        InspectionReport report = Inspect.image(disk, "disk.raw");

        assertThat(report.verdict()).isEqualTo(Verdict.WARN);
        assertThat(Inspect.codes(report)).containsExactly("NO_BOOT_LOADER");
        assertThat(report.findings().get(0).message()).contains("no boot code");
    }

    @Test
    void rejectsLegacyBiosForAGptDiskWithoutABiosBootPartition() {
        InspectionReport report = Inspect.image(Disks.linuxUefiGpt(), "disk.raw", BootMode.LEGACY_BIOS);

        assertThat(Inspect.codes(report)).containsExactly("LEGACY_BIOS_ON_GPT");
        assertThat(report.findings().get(0).fix()).contains("uefi");
    }

    @Test
    void acceptsLegacyBiosForAGptDiskWithABiosBootPartition() {
        SparseImage disk = DiskBuilder.gpt(2 * GIB).partition(DiskBuilder.BIOS_BOOT, MIB, FileSystemSample.NONE)
                .partition(DiskBuilder.LINUX, GIB, FileSystemSample.EXT4).build();

        assertThat(Inspect.image(disk, "disk.raw", BootMode.LEGACY_BIOS).verdict()).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void rejectsUefiForADiskWithoutAnEfiSystemPartition() {
        InspectionReport report = Inspect.image(Disks.linuxMbr(), "disk.raw", BootMode.UEFI);

        assertThat(Inspect.codes(report)).containsExactly("UEFI_WITHOUT_ESP");
    }

    @Test
    void acceptsUefiForAnMbrDiskWithAnEfiSystemPartition() {
        SparseImage disk = DiskBuilder.mbr(GIB).bootCode(false).partition("0xEF", 64 * MIB, FileSystemSample.ESP_WITH_BOOTX64)
                .partition("0x83", 512 * MIB, FileSystemSample.EXT4).build();

        assertThat(Inspect.image(disk, "disk.raw", BootMode.UEFI).verdict()).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void rejectsUefiForLinuxWhoseEspLacksTheFallbackLoader() {
        SparseImage disk = DiskBuilder.gpt(2 * GIB).partition(DiskBuilder.ESP, 64 * MIB, FileSystemSample.ESP_WITHOUT_BOOTX64)
                .partition(DiskBuilder.LINUX, GIB, FileSystemSample.EXT4).build();

        InspectionReport report = Inspect.image(disk, "disk.raw", BootMode.UEFI);

        assertThat(Inspect.codes(report)).containsExactly("ESP_WITHOUT_FALLBACK_LOADER");
        assertThat(report.findings().get(0).message()).contains("EFI/BOOT/BOOTX64.EFI");
        assertThat(report.findings().get(0).fix()).contains("--removable");
    }

    @Test
    void leavesTheFallbackLoaderToWindowsOnAWindowsDisk() {
        SparseImage disk = DiskBuilder.gpt(2 * GIB).partition(DiskBuilder.ESP, 64 * MIB, FileSystemSample.ESP_WITHOUT_BOOTX64)
                .partition(DiskBuilder.MICROSOFT_BASIC_DATA, GIB, FileSystemSample.NTFS).build();

        // The NTFS sample is only a boot sector (its file system is reported damaged); no fallback loader is asked for.
        assertThat(Inspect.codes(Inspect.image(disk, "disk.raw", BootMode.UEFI))).doesNotContain("ESP_WITHOUT_FALLBACK_LOADER");
    }

    @Test
    void detectsUefiForADiskThatBootsNoOtherWay() {
        InspectionReport report = Inspect.image(Disks.linuxUefiGpt(), "disk.raw");

        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(Inspect.codes(report)).containsExactly("BOOT_MODE_DETECTED");
        assertThat(report.bootMode()).contains(BootMode.UEFI);
    }

    @Test
    void detectsLegacyBiosForAnMbrDiskWithBootCode() {
        assertThat(Inspect.image(Disks.linuxMbr(), "disk.raw").bootMode()).contains(BootMode.LEGACY_BIOS);
    }

    @Test
    void warnsAboutAPartitionRunningPastTheEndOfTheDisk() {
        SparseImage disk = DiskBuilder.mbr(GIB).partitionAt("0x83", MIB, 2 * GIB, FileSystemSample.EXT4).build();

        InspectionReport report = Inspect.image(disk, "disk.raw");

        assertThat(Inspect.codes(report)).containsExactly("PARTITION_OUTSIDE_DISK");
        assertThat(report.findings().get(0).message()).contains("Partition 1").contains("truncated");
    }

    @Test
    void rejectsADiskOf16TiB() {
        SparseImage vhd = Containers.fixedVhd(DiskBuilder.mbr(16L << 40).partition("0x83", GIB, FileSystemSample.EXT4).build());

        InspectionReport report = Inspect.image(vhd, "huge.vhd");

        assertThat(Inspect.codes(report)).containsExactly("DISK_TOO_LARGE");
        assertThat(report.findings().get(0).message()).contains("16.0 TiB");
    }

    @Test
    void warnsThatADiskOver8TiBNeedsAManifest() {
        SparseImage raw = DiskBuilder.gpt(9L << 40).partition(DiskBuilder.BIOS_BOOT, MIB, FileSystemSample.NONE)
                .partition(DiskBuilder.LINUX, GIB, FileSystemSample.EXT4).build();

        InspectionReport report = Inspect.image(raw, "big.raw");

        assertThat(Inspect.codes(report)).containsExactly("DISK_NEEDS_MANIFEST");
        assertThat(report.findings().get(0).message()).contains("9.0 TiB");
    }

    @Test
    void rejectsADiskWhoseSizeIsZero() {
        InspectionReport report = Inspect.image(Containers.streamOptimizedVmdk(new SparseImage(0)), "empty.vmdk");

        assertThat(Inspect.codes(report)).containsExactly("DISK_SIZE_ZERO");
        assertThat(report.findings().get(0).fix()).contains("disk-image-size=0");
    }
}
