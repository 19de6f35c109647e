package dev.vm2ami.image.verdict;

import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.Severity;
import dev.vm2ami.image.os.CloudReadiness;
import dev.vm2ami.sampleimages.DiskBuilder;
import dev.vm2ami.sampleimages.Elf;
import dev.vm2ami.sampleimages.Ext4Builder;
import dev.vm2ami.sampleimages.FileSystemSample;
import dev.vm2ami.sampleimages.LinuxRoot;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.vm2ami.image.verdict.Disks.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/** Which path importMode and the inspection send an image down, and why; every image is a real disk. */
class ImportPathsTest {
    private static final String ID = "0a1b2c3d-0000-4000-8000-00000000000a";

    private static SparseImage ext4(LinuxRoot tree) {
        return Ext4Builder.build(tree, 8 * MIB, UUID.fromString(ID), "root");
    }

    private static SparseImage bios(LinuxRoot tree) {
        return DiskBuilder.mbr(64 * MIB).partition("0x83", 32 * MIB, ext4(tree)).build();
    }

    private static SparseImage arm64(LinuxRoot tree) {
        return DiskBuilder.gpt(64 * MIB).partition(DiskBuilder.ESP, 8 * MIB, FileSystemSample.ESP_WITH_BOOTAA64)
                .partition(DiskBuilder.LINUX, 32 * MIB, ext4(tree)).build();
    }

    private static ImportPaths.Decision decide(String mode, SparseImage disk) {
        InspectionReport report = Inspect.image(disk, "disk.raw");
        return ImportPaths.decide(mode, report.findings(), report.os(), report.bootMode().map(BootMode::value).orElse(null));
    }

    private static java.util.List<String> codes(ImportPaths.Decision d) {
        return d.findings().stream().map(Finding::code).toList();
    }

    @Test
    void autoTakesTheSnapshotPathForACloudReadyArm64DebianThatImportImageRefuses() {
        ImportPaths.Decision d = decide("auto", SparseImage.of(SampleImages.arm64DebianUefi()));

        assertThat(d.path()).isEqualTo(ImportPath.SNAPSHOT);
        assertThat(d.cloudReady()).isTrue();
        assertThat(d.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(codes(d)).contains("SNAPSHOT_PATH").doesNotContain("ARCHITECTURE_NOT_IMPORTABLE", "OS_VERSION_NOT_LISTED");
        assertThat(d.findings()).filteredOn(f -> f.code().equals("SNAPSHOT_PATH")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("architecture arm64, boot mode uefi")
                        .contains("ImportImage would refuse it (ARCHITECTURE_NOT_IMPORTABLE)"));
    }

    @Test
    void importModeImageKeepsImportImagesRefusalOfArm64() {
        ImportPaths.Decision d = decide("image", arm64(LinuxRoot.debian12(ID, Elf.AARCH64)));

        assertThat(d.path()).isEqualTo(ImportPath.IMAGE);
        assertThat(d.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(codes(d)).contains("ARCHITECTURE_NOT_IMPORTABLE").doesNotContain("SNAPSHOT_PATH");
    }

    @Test
    void rejectsAnArm64WithoutEnaOnBothPathsSayingWhatTheSnapshotPathMisses() {
        LinuxRoot noEna = LinuxRoot.debian12(ID, Elf.AARCH64).remove("/usr/lib/modules/6.1.0-18-arm64/kernel/drivers/net/ethernet/amazon/ena/ena.ko");

        ImportPaths.Decision d = decide("auto", arm64(noEna));

        assertThat(d.path()).isEqualTo(ImportPath.IMAGE);
        assertThat(d.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(codes(d)).contains("ARCHITECTURE_NOT_IMPORTABLE", "SNAPSHOT_PATH_UNAVAILABLE");
        assertThat(d.findings()).filteredOn(f -> f.code().equals("SNAPSHOT_PATH_UNAVAILABLE")).singleElement()
                .satisfies(f -> {
                    assertThat(f.message()).contains("no ENA driver").contains("ARCHITECTURE_NOT_IMPORTABLE");
                    assertThat(f.fix()).contains("ena module");
                });
    }

    @Test
    void autoKeepsImportImageForUbuntuAndRemembersItIsCloudReady() {
        ImportPaths.Decision d = decide("auto", bios(LinuxRoot.ubuntu2204(ID)));

        assertThat(d.path()).isEqualTo(ImportPath.IMAGE);
        assertThat(d.cloudReady()).isTrue();
        assertThat(d.findings()).isEmpty();
    }

    @Test
    void autoTakesAlpineWhichVmImportDoesNotListDownTheSnapshotPath() {
        ImportPaths.Decision d = decide("auto", SparseImage.of(SampleImages.alpine()));

        assertThat(d.path()).isEqualTo(ImportPath.SNAPSHOT);
        assertThat(codes(d)).containsExactly("SNAPSHOT_PATH");
        assertThat(d.findings().get(0).message()).contains("boot mode legacy-bios").contains("OS_NOT_RECOGNISED");
    }

    @Test
    void importModeSnapshotTakesACloudReadyAlpineAsAsked() {
        ImportPaths.Decision d = decide("snapshot", SparseImage.of(SampleImages.alpine()));

        assertThat(d.path()).isEqualTo(ImportPath.SNAPSHOT);
        assertThat(d.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(d.findings().get(0).message()).contains("importMode snapshot was asked for");
    }

    @Test
    void importModeSnapshotRejectsADiskWithoutAnOperatingSystem() {
        ImportPaths.Decision d = decide("snapshot", bios(new LinuxRoot().file("/srv/data.csv", "a\n")));

        assertThat(d.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(codes(d)).contains("NO_OPERATING_SYSTEM", "NOT_CLOUD_READY");
    }

    @Test
    void importModeSnapshotRejectsARootNamedByDeviceNameAndSaysHowToFixIt() {
        LinuxRoot byName = LinuxRoot.ubuntu2204(ID).fstab("/dev/sda1 / ext4 defaults 0 1\n");

        ImportPaths.Decision d = decide("snapshot", bios(byName));

        Finding f = d.findings().stream().filter(x -> x.code().equals("NOT_CLOUD_READY")).findFirst().orElseThrow();
        assertThat(f.severity()).isEqualTo(Severity.ERROR);
        assertThat(f.message()).contains("Ubuntu 22.04.3 LTS on partition 1").contains("/dev/sda1");
        assertThat(f.fix()).contains("UUID=").contains("importMode image");
    }

    @Test
    void anArm64DiskThatBootsWithBiosIsNotCloudReady() {
        LinuxRoot arm = LinuxRoot.debian12(ID, Elf.AARCH64);
        InspectionReport report = Inspect.image(bios(arm), "arm.raw");

        CloudReadiness r = CloudReadiness.of(report.os().orElseThrow(), "legacy-bios");

        assertThat(r.ready()).isFalse();
        assertThat(r.missing()).singleElement().satisfies(g -> assertThat(g.what()).contains("UEFI only"));
    }
}
