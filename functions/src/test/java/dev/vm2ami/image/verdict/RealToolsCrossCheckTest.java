package dev.vm2ami.image.verdict;

import dev.vm2ami.image.container.DiskFormat;
import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.read.FileRangeReader;
import dev.vm2ami.sampleimages.LinuxRoot;
import dev.vm2ami.sampleimages.SampleImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cross-checks the parsers against images made by the tools people use, not by vm2ami's own
 * builders: sgdisk/sfdisk, mkfs.ext4 (-d, with an Ubuntu root)/mkfs.vfat/mkfs.btrfs, mtools and qemu-img. Each test is
 * skipped when its tools are missing; on Debian they come from the packages qemu-utils, fdisk,
 * gdisk, e2fsprogs, dosfstools, mtools and btrfs-progs.
 */
class RealToolsCrossCheckTest {
    private static final long MIB = 1L << 20;

    @TempDir
    static Path dir;
    private static Path uefiDisk;

    private static boolean has(String tool) {
        for (String p : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
            if (Files.isExecutable(Path.of(p, tool))) return true;
        }
        return false;
    }

    private static void require(String... tools) {
        for (String t : tools) assumeTrue(has(t), t + " is not installed (see the class comment for the Debian packages)");
    }

    private static void run(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        if (!has(cmd.get(0))) cmd.set(0, Files.isExecutable(Path.of("/usr/sbin", cmd.get(0))) ? "/usr/sbin/" + cmd.get(0) : "/sbin/" + cmd.get(0));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + new String(output, StandardCharsets.UTF_8)).isZero();
    }

    private static Path sparseFile(String name, long size) throws IOException {
        Path file = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        return file;
    }

    /** Copies a file system image into the disk at {@code offset}, as dd conv=notrunc seek= would. */
    private static void splice(Path part, Path disk, long offset) throws IOException {
        try (FileChannel in = FileChannel.open(part); FileChannel out = FileChannel.open(disk, StandardOpenOption.WRITE)) {
            long done = 0;
            while (done < in.size()) done += in.transferTo(done, in.size() - done, out.position(offset + done));
        }
    }

    private static InspectionReport inspect(Path file, BootMode mode) throws IOException {
        try (FileRangeReader reader = new FileRangeReader(file)) {
            return new ImageInspector().inspect(reader, new InspectionRequest(file.getFileName().toString(), mode));
        }
    }

    /** Ubuntu's root file system, for mkfs.ext4 -d: the ext4 roots below hold an OS, which inspection looks for. */
    private static String ubuntuTree() throws IOException {
        Path tree = dir.resolve("ubuntu-root");
        if (!Files.isDirectory(tree)) LinuxRoot.ubuntu2204(SampleImages.LINUX_ROOT_UUID).writeTo(tree);
        return tree.toString();
    }

    /** GPT (sgdisk): a FAT32 ESP (mkfs.vfat) with EFI/BOOT/BOOTX64.EFI (mtools) and an ext4 root of Ubuntu (mkfs.ext4 -d). */
    @BeforeAll
    static void buildUefiDisk() throws IOException, InterruptedException {
        if (!(has("sgdisk") && has("mkfs.vfat") && has("mmd") && has("mcopy") && has("mkfs.ext4"))) return;
        Path disk = sparseFile("uefi.raw", 256 * MIB);
        run("sgdisk", "-n", "1:2048:+64M", "-t", "1:ef00", "-n", "2:0:0", "-t", "2:8300", disk.toString());
        Path esp = sparseFile("esp.img", 64 * MIB);
        run("mkfs.vfat", "-F", "32", esp.toString());
        run("mmd", "-i", esp.toString(), "::/EFI", "::/EFI/BOOT");
        Path loader = Files.writeString(dir.resolve("bootx64.efi"), "MZ fallback loader");
        run("mcopy", "-i", esp.toString(), loader.toString(), "::/EFI/BOOT/BOOTX64.EFI");
        Path root = sparseFile("root.img", 64 * MIB);
        run("mkfs.ext4", "-q", "-F", "-U", SampleImages.LINUX_ROOT_UUID, "-d", ubuntuTree(), root.toString());
        splice(esp, disk, MIB);
        splice(root, disk, 65 * MIB);
        uefiDisk = disk;
    }

    private static void requireUefiDisk() {
        assumeTrue(uefiDisk != null, "sgdisk, mkfs.vfat, mtools and mkfs.ext4 are needed to build the UEFI disk");
    }

    private static void assertUefiLinux(InspectionReport report, DiskFormat format) {
        assertThat(report.format()).isEqualTo(format);
        assertThat(report.findings()).isEmpty();
        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(report.partitions()).extracting(PartitionInfo::fileSystem).containsExactly("vfat", "ext4");
    }

    @Test
    void acceptsAUefiDiskMadeBySgdiskMkfsAndMtools() throws IOException {
        requireUefiDisk();

        assertUefiLinux(inspect(uefiDisk, BootMode.UEFI), DiskFormat.RAW);
    }

    @Test
    void findsNoFallbackLoaderOnAnEspMtoolsLeftEmpty() throws IOException, InterruptedException {
        require("sgdisk", "mkfs.vfat", "mkfs.ext4");
        Path disk = sparseFile("empty-esp.raw", 256 * MIB);
        run("sgdisk", "-n", "1:2048:+64M", "-t", "1:ef00", "-n", "2:0:0", "-t", "2:8300", disk.toString());
        Path esp = sparseFile("esp-empty.img", 64 * MIB);
        run("mkfs.vfat", "-F", "32", esp.toString());
        Path root = sparseFile("root2.img", 64 * MIB);
        run("mkfs.ext4", "-q", "-F", "-U", SampleImages.LINUX_ROOT_UUID, "-d", ubuntuTree(), root.toString());
        splice(esp, disk, MIB);
        splice(root, disk, 65 * MIB);

        assertThat(Inspect.codes(inspect(disk, BootMode.UEFI))).containsExactly("ESP_WITHOUT_FALLBACK_LOADER");
    }

    /** Copies the non-zero 64 KiB pieces of a file system image into the disk at {@code offset}: a sparse dd. */
    private static void spliceSparse(Path part, Path disk, long offset) throws IOException {
        byte[] buf = new byte[64 * 1024];
        try (java.io.InputStream in = Files.newInputStream(part); java.io.RandomAccessFile out = new java.io.RandomAccessFile(disk.toFile(), "rw")) {
            long at = 0;
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                boolean zero = true;
                for (int i = 0; i < n && zero; i++) zero = buf[i] == 0;
                if (!zero) {
                    out.seek(offset + at);
                    out.write(buf, 0, n);
                }
                at += n;
            }
        }
    }

    @Test
    void namesCentOsOnXfsThroughAVmdkMadeByQemuImg() throws IOException, InterruptedException {
        require("sfdisk", "mkfs.xfs", "qemu-img");
        String uuid = SampleImages.LINUX_ROOT_UUID;
        Path tree = LinuxRoot.centos7("UUID=" + uuid, null).writeTo(dir.resolve("centos-root"));
        Path proto = Files.writeString(dir.resolve("centos.proto"), dev.vm2ami.image.testing.XfsProto.of(tree));
        Path root = sparseFile("centos.xfs", 300 * MIB);
        run("mkfs.xfs", "-q", "-f", "-m", "uuid=" + uuid, "-p", proto.toString(), root.toString());
        Path disk = sparseFile("centos.raw", 400 * MIB);
        Process p = new ProcessBuilder(has("sfdisk") ? "sfdisk" : "/usr/sbin/sfdisk", "-q", disk.toString()).directory(dir.toFile())
                .redirectErrorStream(true).start();
        p.getOutputStream().write("label: dos\n,,83,*\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("sfdisk").isTrue();
        spliceSparse(root, disk, MIB);
        run("qemu-img", "convert", "-O", "vmdk", "-o", "subformat=streamOptimized", disk.toString(), "centos.vmdk");

        InspectionReport report = inspect(dir.resolve("centos.vmdk"), BootMode.LEGACY_BIOS);

        assertThat(report.format()).isEqualTo(DiskFormat.VMDK);
        assertThat(report.os()).hasValueSatisfying(os -> {
            assertThat(os.distribution()).isEqualTo("centos");
            assertThat(os.version()).isEqualTo("7.9.2009");
            assertThat(os.kernels()).containsExactly("3.10.0-1160.el7.x86_64");
            assertThat(os.bootloader()).isEqualTo("grub2");
            assertThat(os.fstab().root().orElseThrow().resolvedTo()).isEqualTo("partition 1");
        });
        assertThat(Inspect.codes(report)).as("sfdisk writes no boot code; CentOS 7.9 with 3.10.0 is in the table")
                .containsExactly("NO_BOOT_LOADER");
    }

    @Test
    void readsAStreamOptimizedVmdkMadeByQemuImg() throws IOException, InterruptedException {
        requireUefiDisk();
        require("qemu-img");
        run("qemu-img", "convert", "-O", "vmdk", "-o", "subformat=streamOptimized", uefiDisk.toString(), "uefi.vmdk");

        assertUefiLinux(inspect(dir.resolve("uefi.vmdk"), BootMode.UEFI), DiskFormat.VMDK);
    }

    @Test
    void convertsAMonolithicSparseVmdkMadeByQemuImgAndChecksTheDiskInside() throws IOException, InterruptedException {
        requireUefiDisk();
        require("qemu-img");
        run("qemu-img", "convert", "-O", "vmdk", "-o", "subformat=monolithicSparse", uefiDisk.toString(), "sparse.vmdk");

        InspectionReport report = inspect(dir.resolve("sparse.vmdk"), BootMode.UEFI);

        assertThat(report.verdict()).isEqualTo(Verdict.CONVERT);
        assertThat(report.findings()).isEmpty();
        assertThat(report.partitions()).extracting(PartitionInfo::fileSystem).containsExactly("vfat", "ext4");
    }

    @Test
    void rejectsTheDescriptorOfAFlatVmdkMadeByQemuImgWithoutItsExtent() throws IOException, InterruptedException {
        requireUefiDisk();
        require("qemu-img");
        run("qemu-img", "convert", "-O", "vmdk", "-o", "subformat=monolithicFlat", uefiDisk.toString(), "flat.vmdk");

        InspectionReport report = inspect(dir.resolve("flat.vmdk"), null);

        assertThat(Inspect.codes(report)).containsExactly("VMDK_EXTENT_MISSING");
        assertThat(report.findings().get(0).message()).contains("flat-flat.vmdk");
    }

    @Test
    void convertsTheDescriptorOfAFlatVmdkMadeByQemuImgWithItsExtentBesideIt() throws IOException, InterruptedException {
        requireUefiDisk();
        require("qemu-img");
        run("qemu-img", "convert", "-O", "vmdk", "-o", "subformat=monolithicFlat", uefiDisk.toString(), "flat2.vmdk");

        InspectionReport report;
        try (FileRangeReader reader = new FileRangeReader(dir.resolve("flat2.vmdk"))) {
            report = new ImageInspector().inspect(reader, new InspectionRequest("flat2.vmdk", BootMode.UEFI, ExtentFiles.beside(dir)));
        }

        assertThat(report.verdict()).isEqualTo(Verdict.CONVERT);
        assertThat(report.conversion().orElseThrow().from()).isEqualTo("VMDK (monolithicFlat)");
        assertThat(report.partitions()).extracting(PartitionInfo::fileSystem).containsExactly("vfat", "ext4");
    }

    @Test
    void readsADynamicVhdMadeByQemuImg() throws IOException, InterruptedException {
        requireUefiDisk();
        require("qemu-img");
        run("qemu-img", "convert", "-O", "vpc", "-o", "subformat=dynamic", uefiDisk.toString(), "dynamic.vhd");

        InspectionReport report = inspect(dir.resolve("dynamic.vhd"), BootMode.UEFI);

        assertUefiLinux(report, DiskFormat.VHD);
        assertThat(report.disks().get(0).subformat()).isEqualTo("dynamic");
    }

    @Test
    void readsAFixedVhdMadeByQemuImg() throws IOException, InterruptedException {
        requireUefiDisk();
        require("qemu-img");
        run("qemu-img", "convert", "-O", "vpc", "-o", "subformat=fixed,force_size=on", uefiDisk.toString(), "fixed.vhd");

        assertUefiLinux(inspect(dir.resolve("fixed.vhd"), BootMode.UEFI), DiskFormat.VHD);
    }

    @Test
    void readsAVhdxMadeByQemuImg() throws IOException, InterruptedException {
        requireUefiDisk();
        require("qemu-img");
        run("qemu-img", "convert", "-O", "vhdx", uefiDisk.toString(), "disk.vhdx");

        assertUefiLinux(inspect(dir.resolve("disk.vhdx"), BootMode.UEFI), DiskFormat.VHDX);
    }

    @Test
    void convertsAQcow2MadeByQemuImgAndChecksTheDiskInside() throws IOException, InterruptedException {
        requireUefiDisk();
        require("qemu-img");
        run("qemu-img", "convert", "-c", "-O", "qcow2", uefiDisk.toString(), "disk.qcow2");

        InspectionReport report = inspect(dir.resolve("disk.qcow2"), BootMode.UEFI);

        assertThat(report.format()).isEqualTo(DiskFormat.QCOW2);
        assertThat(report.verdict()).isEqualTo(Verdict.CONVERT);
        assertThat(report.conversion()).contains(new InspectionReport.ConversionPlan("qcow2 v3", "stream-optimized VMDK", false));
        assertThat(report.partitions()).extracting(PartitionInfo::fileSystem).containsExactly("vfat", "ext4");
        assertThat(report.bytesRead()).as("the pre-flight reads a few blocks, not the image").isLessThan(2L << 20);
    }

    @Test
    void rejectsAQcow2MadeByQemuImgThatWasCutShort() throws IOException, InterruptedException {
        requireUefiDisk();
        require("qemu-img");
        run("qemu-img", "convert", "-O", "qcow2", uefiDisk.toString(), "cut.qcow2");
        try (var f = new RandomAccessFile(dir.resolve("cut.qcow2").toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }

        InspectionReport report = inspect(dir.resolve("cut.qcow2"), null);

        assertThat(report.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(Inspect.codes(report)).containsExactly("IMAGE_TRUNCATED");
        assertThat(report.format()).isEqualTo(DiskFormat.QCOW2);
    }

    @Test
    void warnsThatAnMbrDiskFromSfdiskHasNoBootLoaderYet() throws IOException, InterruptedException {
        require("sfdisk", "mkfs.ext4");
        Path disk = sparseFile("mbr.raw", 128 * MIB);
        Process p = new ProcessBuilder(has("sfdisk") ? "sfdisk" : "/usr/sbin/sfdisk", "-q", disk.toString()).directory(dir.toFile())
                .redirectErrorStream(true).start();
        p.getOutputStream().write("label: dos\n,,83,*\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("sfdisk").isTrue();
        run("mkfs.ext4", "-q", "-F", "-U", SampleImages.LINUX_ROOT_UUID, "-d", ubuntuTree(), "-E", "offset=" + MIB, disk.toString(), "64M");

        InspectionReport report = inspect(disk, BootMode.LEGACY_BIOS);

        assertThat(report.partitions()).singleElement().satisfies(part -> {
            assertThat(part.fileSystem()).isEqualTo("ext4");
            assertThat(part.bootable()).isTrue();
        });
        assertThat(Inspect.codes(report)).containsExactly("NO_BOOT_LOADER");
    }

    @Test
    void namesABtrfsPartitionMadeByMkfsBtrfs() throws IOException, InterruptedException {
        require("sgdisk", "mkfs.btrfs");
        Path disk = sparseFile("btrfs.raw", 256 * MIB);
        run("sgdisk", "-n", "1:2048:+1M", "-t", "1:ef02", "-n", "2:0:0", "-t", "2:8300", disk.toString());
        Path root = sparseFile("btrfs.img", 200 * MIB);
        run("mkfs.btrfs", "-q", "-f", root.toString());
        splice(root, disk, 2 * MIB);

        InspectionReport report = inspect(disk, null);

        assertThat(report.partitions()).extracting(PartitionInfo::fileSystem).containsExactly("unknown", "btrfs");
        assertThat(Inspect.codes(report)).as("vm2ami does not read Btrfs yet, and says so").contains("OS_NOT_CHECKED");
    }
}
