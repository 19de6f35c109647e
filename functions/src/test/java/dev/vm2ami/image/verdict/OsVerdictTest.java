package dev.vm2ami.image.verdict;

import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.Severity;
import dev.vm2ami.sampleimages.Containers;
import dev.vm2ami.sampleimages.DiskBuilder;
import dev.vm2ami.sampleimages.Elf;
import dev.vm2ami.sampleimages.Ext4Builder;
import dev.vm2ami.sampleimages.FileSystemSample;
import dev.vm2ami.sampleimages.LinuxRoot;
import dev.vm2ami.sampleimages.LvmBuilder;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.vm2ami.image.verdict.Disks.GIB;
import static dev.vm2ami.image.verdict.Disks.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the pre-flight says of the operating system on the boot disk, in the user guide's words:
 * each image is a partitioned disk whose root file system is a real ext4 written by
 * {@link Ext4Builder} from a distribution tree ({@link LinuxRoot}).
 */
class OsVerdictTest {
    private static final String ID = "0a1b2c3d-0000-4000-8000-00000000000a";

    private static SparseImage ext4(LinuxRoot tree, String uuid) {
        return Ext4Builder.build(tree, 8 * MIB, UUID.fromString(uuid), "root");
    }

    /** An MBR disk with boot code and this root in partition 1. */
    private static SparseImage bios(LinuxRoot tree) {
        return DiskBuilder.mbr(64 * MIB).partition("0x83", 32 * MIB, ext4(tree, ID)).build();
    }

    private static Finding only(InspectionReport report, String code) {
        assertThat(Inspect.codes(report)).containsExactly(code);
        return report.findings().get(0);
    }

    @Test
    void acceptsUbuntuAndNamesIt() {
        InspectionReport report = Inspect.image(bios(LinuxRoot.ubuntu2204(ID)), "ubuntu.raw");

        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(report.findings()).isEmpty();
        assertThat(report.os()).hasValueSatisfying(os -> {
            assertThat(os.distribution()).isEqualTo("ubuntu");
            assertThat(os.version()).isEqualTo("22.04");
            assertThat(os.architecture()).isEqualTo("x86_64");
            assertThat(os.kernels()).containsExactly("5.15.0-91-generic");
            assertThat(os.bootloader()).isEqualTo("grub2");
            assertThat(os.root()).isEqualTo("partition 1");
        });
        assertThat(report.bootMode()).contains(BootMode.LEGACY_BIOS);
    }

    @Test
    void rejectsADiskWithoutAnOperatingSystemAsEc2Would() {
        SparseImage disk = bios(new LinuxRoot().file("/srv/data/report.csv", "a,b\n").dir("/backups"));

        Finding f = only(Inspect.image(disk, "data.raw"), "NO_OPERATING_SYSTEM");

        assertThat(f.severity()).isEqualTo(Severity.ERROR);
        assertThat(f.message()).contains("partition 1: ext4").contains("ClientError: Unknown OS / Missing OS files.");
    }

    @Test
    void rejectsTwoRootsAsMultipleDirectories() {
        String second = "0a1b2c3d-0000-4000-8000-00000000000b";
        SparseImage disk = DiskBuilder.mbr(96 * MIB).partition("0x83", 32 * MIB, ext4(LinuxRoot.ubuntu2204(ID), ID))
                .partition("0x83", 32 * MIB, ext4(LinuxRoot.ubuntu2204(second), second)).build();

        Finding f = only(Inspect.image(disk, "dual.raw"), "MULTIPLE_OPERATING_SYSTEMS");

        assertThat(f.message()).contains("2 operating systems").contains("partition 1").contains("partition 2")
                .contains("Multiple directories found");
    }

    @Test
    void rejectsA32BitLinux() {
        InspectionReport report = Inspect.image(bios(LinuxRoot.debian8i386(ID)), "old.raw");

        assertThat(report.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(Inspect.codes(report)).contains("LINUX_32_BIT", "OS_VERSION_NOT_LISTED").doesNotContain("OS_NOT_RECOGNISED");
        assertThat(report.findings().get(0).message()).contains("i386").contains("3.16.0-4-686-pae");
    }

    @Test
    void rejectsArm64ForImportImageAndDetectsItsUefiBoot() {
        SparseImage disk = DiskBuilder.gpt(GIB).partition(DiskBuilder.ESP, 64 * MIB, FileSystemSample.ESP_WITH_BOOTAA64)
                .partition(DiskBuilder.LINUX, 256 * MIB, ext4(LinuxRoot.debian12(ID, Elf.AARCH64), ID)).build();

        InspectionReport report = Inspect.image(disk, "arm.raw");

        assertThat(Inspect.codes(report)).containsExactlyInAnyOrder("BOOT_MODE_DETECTED", "ARCHITECTURE_NOT_IMPORTABLE", "OS_VERSION_NOT_LISTED");
        assertThat(report.bootMode()).contains(BootMode.UEFI);
        assertThat(report.os().orElseThrow().efiLoaders()).containsExactly("EFI/BOOT/BOOTAA64.EFI");
        assertThat(report.findings()).filteredOn(f -> f.code().equals("ARCHITECTURE_NOT_IMPORTABLE")).singleElement()
                .satisfies(f -> assertThat(f.fix()).contains("RegisterImage").contains("arm64"));
    }

    @Test
    void asksArm64ForItsOwnFallbackLoader() {
        SparseImage disk = DiskBuilder.gpt(GIB).partition(DiskBuilder.ESP, 64 * MIB, FileSystemSample.ESP_WITH_BOOTX64)
                .partition(DiskBuilder.LINUX, 256 * MIB, ext4(LinuxRoot.debian12(ID, Elf.AARCH64), ID)).build();

        assertThat(Inspect.image(disk, "arm.raw", BootMode.UEFI).findings()).filteredOn(f -> f.code().equals("ESP_WITHOUT_FALLBACK_LOADER"))
                .singleElement().satisfies(f -> assertThat(f.message()).contains("EFI/BOOT/BOOTAA64.EFI"));
    }

    @Test
    void warnsAboutADistributionVmImportDoesNotListAndABootLoaderOtherThanGrub() {
        InspectionReport report = Inspect.image(bios(LinuxRoot.alpine319(ID)), "alpine.raw");

        assertThat(report.verdict()).isEqualTo(Verdict.WARN);
        assertThat(Inspect.codes(report)).containsExactly("OS_NOT_RECOGNISED", "NOT_GRUB");
        assertThat(report.findings().get(0).message()).contains("Alpine Linux v3.19").contains("Ubuntu").contains("Unknown OS");
        assertThat(report.findings().get(1).message()).contains("extlinux");
    }

    @Test
    void warnsAboutAReleaseNewerThanTheTableQuotingItsRows() {
        Finding f = only(Inspect.image(bios(LinuxRoot.debian12(ID, Elf.X86_64)), "debian.raw"), "OS_VERSION_NOT_LISTED");

        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).contains("Debian GNU/Linux 12 (bookworm)").contains("Debian 7.0.0–7.8.0 (kernel 3.2)");
    }

    @Test
    void warnsAboutAKernelOutsideTheTablesRow() {
        LinuxRoot tree = LinuxRoot.ubuntu2204(ID).kernel("6.5.0-14-generic");

        Finding f = only(Inspect.image(bios(tree), "hwe.raw"), "KERNEL_NOT_LISTED");

        assertThat(f.message()).contains("6.5.0-14-generic").contains("Ubuntu 22.04 (kernel 5.15)").contains("Unsupported kernel version");
    }

    @Test
    void rejectsALinuxWithoutFstab() {
        LinuxRoot tree = LinuxRoot.ubuntu2204(ID).remove("/etc/fstab");

        Finding f = only(Inspect.image(bios(tree), "nofstab.raw"), "FSTAB_MISSING");

        assertThat(f.severity()).isEqualTo(Severity.ERROR);
        assertThat(f.message()).contains("Could not read fstab");
    }

    @Test
    void warnsAboutFstabEntriesEc2RewritesOrDisables() {
        LinuxRoot tree = LinuxRoot.ubuntu2204(ID).fstab("""
                /dev/sda1 / ext4 defaults 0 1
                //nas/share /mnt/share cifs credentials=/etc/smb 0 0
                UUID=ffffffff-0000-4000-8000-000000000000 /data ext4 defaults 0 2
                """);

        InspectionReport report = Inspect.image(bios(tree), "fstab.raw");

        assertThat(Inspect.codes(report)).containsExactly("FSTAB_DEVICE_NAMES", "FSTAB_NON_STANDARD", "FSTAB_UNRESOLVED");
        assertThat(report.findings().get(0).message()).contains("/ (/dev/sda1)");
        assertThat(report.findings().get(1).message()).contains("/mnt/share (cifs)");
        assertThat(report.findings().get(2).message()).contains("UUID=ffffffff-0000-4000-8000-000000000000 (/data)");
    }

    @Test
    void notesMissingEnaAndNvmeDriversWithoutWarning() {
        LinuxRoot tree = LinuxRoot.ubuntu2204(ID);
        tree.remove("/usr/lib/modules/5.15.0-91-generic/kernel/drivers/net/ethernet/amazon/ena/ena.ko");

        InspectionReport report = Inspect.image(bios(tree), "noena.raw");

        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(only(report, "DRIVERS_MISSING").severity()).isEqualTo(Severity.INFO);
        assertThat(report.os().orElseThrow().drivers().ena()).isFalse();
        assertThat(report.os().orElseThrow().drivers().nvme()).isTrue();
    }

    @Test
    void findsARootOnLvmAndRejectsAVolumeGroupMissingAPhysicalVolume() {
        LinuxRoot tree = LinuxRoot.ubuntu2204(ID).fstab("/dev/mapper/vg0-root / ext4 defaults 0 1\n");
        LvmBuilder lvm = new LvmBuilder("vg0", 4 * MIB, 11);
        lvm.pv("pv0", 64 * MIB);
        lvm.lv("root", LvmBuilder.Segment.linear("pv0", 0, 2));
        SparseImage pv = new SparseImage(64 * MIB).write(0, lvm.header("pv0"));
        pv.write(lvm.pvOffset("root", 0), ext4(tree, ID));
        SparseImage whole = DiskBuilder.mbr(128 * MIB).partition("0x8E", 64 * MIB, pv).build();

        InspectionReport ok = Inspect.image(whole, "lvm.raw");
        assertThat(ok.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(ok.os().orElseThrow().root()).isEqualTo("logical volume vg0/root");

        LvmBuilder split = new LvmBuilder("vg0", 4 * MIB, 11);
        split.pv("pv0", 64 * MIB);
        split.pv("pv1", 64 * MIB);
        split.lv("root", LvmBuilder.Segment.linear("pv0", 0, 2), LvmBuilder.Segment.linear("pv1", 0, 1));
        SparseImage half = DiskBuilder.mbr(128 * MIB).partition("0x8E", 64 * MIB, new SparseImage(64 * MIB).write(0, split.header("pv0"))).build();
        Finding f = only(Inspect.image(half, "half.raw"), "LVM_NOT_ASSEMBLED");
        assertThat(f.severity()).isEqualTo(Severity.ERROR);
        assertThat(f.message()).contains("vg0/root").contains("Logical volume group activation failed");
    }

    @Test
    void readsTheOsThroughAStreamOptimizedVmdk() {
        InspectionReport report = Inspect.image(Containers.streamOptimizedVmdk(bios(LinuxRoot.debian8i386(ID))), "old.vmdk");

        assertThat(report.format().name()).isEqualTo("VMDK");
        assertThat(Inspect.codes(report)).contains("LINUX_32_BIT");
    }
}
