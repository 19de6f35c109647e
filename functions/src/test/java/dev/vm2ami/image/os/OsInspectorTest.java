package dev.vm2ami.image.os;

import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.testing.FileDevice;
import dev.vm2ami.image.testing.Tools;
import dev.vm2ami.image.testing.XfsProto;
import dev.vm2ami.sampleimages.Elf;
import dev.vm2ami.sampleimages.HiveBuilder;
import dev.vm2ami.sampleimages.LinuxRoot;
import dev.vm2ami.sampleimages.LvmBuilder;
import dev.vm2ami.sampleimages.Pe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The OS inspection on file systems made by the real tools (mkfs.ext4 -d, mkfs.xfs -p, mkfs.vfat
 * + mcopy, mkntfs + ntfs-3g) from the distribution trees of {@link LinuxRoot}: what it finds for
 * Ubuntu, CentOS on XFS with a separate /boot, Debian on arm64 with an ESP, Alpine, a 32-bit
 * Debian, a disk without an OS, two roots, LVM, fstab variants and Windows.
 */
class OsInspectorTest {
    private static final String ROOT_UUID = "0a1b2c3d-0000-4000-8000-000000000001";
    private static final String BOOT_UUID = "0a1b2c3d-0000-4000-8000-00000000000b";

    @TempDir
    Path dir;
    private final List<FileDevice> open = new ArrayList<>();
    private int images;

    @AfterEach
    void close() throws Exception {
        for (FileDevice d : open) d.close();
    }

    private FileDevice device(Path img) {
        FileDevice d = FileDevice.open(img);
        open.add(d);
        return d;
    }

    private Path ext4(LinuxRoot tree, String uuid) throws Exception {
        Tools.require("mkfs.ext4");
        Path root = tree.writeTo(dir.resolve("tree" + ++images));
        Path img = Tools.sparseFile(dir.resolve("ext4-" + images + ".img"), 24L << 20);
        Tools.run(dir, "mkfs.ext4", "-q", "-F", "-U", uuid, "-d", root.toString(), img.toString());
        return img;
    }

    private Path xfs(LinuxRoot tree, String uuid) throws Exception {
        Tools.require("mkfs.xfs");
        Path root = tree.writeTo(dir.resolve("tree" + ++images));
        Path proto = Files.writeString(dir.resolve("proto" + images), XfsProto.of(root));
        Path img = Tools.sparseFile(dir.resolve("xfs-" + images + ".img"), 300L << 20);
        Tools.run(dir, "mkfs.xfs", "-q", "-f", "-m", "uuid=" + uuid, "-p", proto.toString(), img.toString());
        return img;
    }

    private OsInspector.Candidate partition(int n, Path img) {
        return new OsInspector.Candidate("partition " + n, n, device(img));
    }

    private static OsInspector.Inspection inspect(OsInspector.Candidate... candidates) throws Exception {
        return OsInspector.inspect(List.of(candidates), ReadBudget.standard());
    }

    @Test
    void namesUbuntuOnExt4() throws Exception {
        FileDevice dev = device(ext4(LinuxRoot.ubuntu2204(ROOT_UUID), ROOT_UUID));
        OsInspector.Inspection result = inspect(new OsInspector.Candidate("partition 1", 1, dev));

        OsFacts os = result.systems().get(0);
        assertThat(result.systems()).hasSize(1);
        assertThat(os.family()).isEqualTo("linux");
        assertThat(os.distribution()).isEqualTo("ubuntu");
        assertThat(os.version()).isEqualTo("22.04");
        assertThat(os.name()).isEqualTo("Ubuntu 22.04.3 LTS");
        assertThat(os.architecture()).isEqualTo("x86_64");
        assertThat(os.kernels()).containsExactly("5.15.0-91-generic");
        assertThat(os.bootloader()).isEqualTo("grub2");
        assertThat(os.root()).isEqualTo("partition 1");
        assertThat(os.fstab().root().orElseThrow().reference()).isEqualTo(Fstab.Reference.UUID);
        assertThat(os.fstab().root().orElseThrow().resolvedTo()).isEqualTo("partition 1");
        assertThat(os.drivers()).isEqualTo(new OsFacts.Drivers("5.15.0-91-generic", true, true));
        assertThat(result.problems()).isEmpty();
        assertThat(dev.bytes()).as("bytes read for the whole OS inspection").isLessThan(1 << 20);
    }

    @Test
    void namesCentOsOnXfsWithItsKernelOnASeparateBootPartition() throws Exception {
        LinuxRoot boot = new LinuxRoot().file("/vmlinuz-3.10.0-1160.el7.x86_64", "kernel")
                .file("/initramfs-3.10.0-1160.el7.x86_64.img", "initramfs").file("/grub2/grub.cfg", "menuentry 'CentOS Linux' {}\n");
        Path bootImg = xfs(boot, BOOT_UUID);
        Path rootImg = xfs(LinuxRoot.centos7("UUID=" + ROOT_UUID, BOOT_UUID), ROOT_UUID);

        OsFacts os = inspect(partition(1, bootImg), partition(2, rootImg)).systems().get(0);

        assertThat(os.distribution()).isEqualTo("centos");
        assertThat(os.version()).as("from /etc/centos-release").isEqualTo("7.9.2009");
        assertThat(os.kernels()).containsExactly("3.10.0-1160.el7.x86_64");
        assertThat(os.bootloader()).as("grub.cfg on the /boot partition").isEqualTo("grub2");
        assertThat(os.root()).isEqualTo("partition 2");
        assertThat(os.fstab().entries()).extracting(Fstab.Entry::mountPoint, Fstab.Entry::resolvedTo)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("/", "partition 2"), org.assertj.core.groups.Tuple.tuple("/boot", "partition 1"));
        assertThat(os.drivers().ena()).isTrue();
        assertThat(os.drivers().nvme()).as("nvme.ko.xz").isTrue();
    }

    @Test
    void namesDebianOnArm64WithItsUefiFallbackLoader() throws Exception {
        Tools.require("mkfs.vfat", "mcopy", "mmd");
        Path esp = dir.resolve("esp.img");
        Tools.run(dir, "mkfs.vfat", "-F", "32", "-C", esp.toString(), "65536");
        Path loader = Files.writeString(dir.resolve("BOOTAA64.EFI"), "MZ grub for arm64");
        Tools.run(dir, "mmd", "-i", esp.toString(), "::/EFI", "::/EFI/BOOT", "::/EFI/debian");
        Tools.run(dir, "mcopy", "-i", esp.toString(), loader.toString(), "::/EFI/BOOT/BOOTAA64.EFI");
        Path root = ext4(LinuxRoot.debian12(ROOT_UUID, Elf.AARCH64), ROOT_UUID);

        OsInspector.Inspection result = inspect(partition(1, esp), partition(2, root));
        OsFacts os = result.systems().get(0);

        assertThat(os.distribution()).isEqualTo("debian");
        assertThat(os.version()).as("from /etc/debian_version").isEqualTo("12.4");
        assertThat(os.architecture()).isEqualTo("arm64");
        assertThat(os.kernels()).containsExactly("6.1.0-18-arm64");
        assertThat(os.efiLoaders()).containsExactly("EFI/BOOT/BOOTAA64.EFI");
        assertThat(result.volumes()).extracting(OsInspector.VolumeSummary::role).containsExactly("efi system partition", "linux root");
    }

    @Test
    void namesAlpineWithBusyboxAndExtlinux() throws Exception {
        OsFacts os = inspect(partition(1, ext4(LinuxRoot.alpine319(ROOT_UUID), ROOT_UUID))).systems().get(0);
        assertThat(os.distribution()).isEqualTo("alpine");
        assertThat(os.version()).isEqualTo("3.19.1");
        assertThat(os.architecture()).as("/sbin/init -> /bin/busybox").isEqualTo("x86_64");
        assertThat(os.bootloader()).isEqualTo("extlinux");
        assertThat(os.kernels()).containsExactly("6.6.14-0-virt");
        assertThat(os.drivers()).isEqualTo(new OsFacts.Drivers("6.6.14-0-virt", true, true));
    }

    @Test
    void seesA32BitLinux() throws Exception {
        OsFacts os = inspect(partition(1, ext4(LinuxRoot.debian8i386(ROOT_UUID), ROOT_UUID))).systems().get(0);
        assertThat(os.architecture()).isEqualTo("i386");
        assertThat(os.version()).isEqualTo("8.11");
        assertThat(os.kernels()).containsExactly("3.16.0-4-686-pae");
        assertThat(os.drivers()).isEqualTo(new OsFacts.Drivers("3.16.0-4-686-pae", false, false));
    }

    @Test
    void findsNoOperatingSystemOnADataDisk() throws Exception {
        LinuxRoot data = new LinuxRoot().file("/projects/report.txt", "data").dir("/backups");
        OsInspector.Inspection result = inspect(partition(1, ext4(data, ROOT_UUID)));
        assertThat(result.systems()).isEmpty();
        assertThat(result.volumes()).singleElement().satisfies(v -> {
            assertThat(v.type()).isEqualTo("ext4");
            assertThat(v.role()).isEqualTo("data");
        });
    }

    @Test
    void findsBothRootsOfATwoRootDisk() throws Exception {
        String second = "0a1b2c3d-0000-4000-8000-000000000002";
        OsInspector.Inspection result = inspect(partition(1, ext4(LinuxRoot.ubuntu2204(ROOT_UUID), ROOT_UUID)),
                partition(2, ext4(LinuxRoot.debian12(second, Elf.X86_64), second)));
        assertThat(result.systems()).extracting(OsFacts::distribution).containsExactly("ubuntu", "debian");
    }

    @Test
    void readsWhatFstabNamesItsDevicesBy() throws Exception {
        LinuxRoot tree = LinuxRoot.ubuntu2204(ROOT_UUID).fstab("""
                # /etc/fstab: static file system information.
                /dev/sda1 / ext4 defaults 0 1
                UUID=ffffffff-0000-4000-8000-000000000000 /data ext4 defaults 0 2
                LABEL=rootfs /alt ext4 defaults 0 2
                //fileserver/share /mnt/share cifs credentials=/root/.smb 0 0
                tmpfs /tmp tmpfs defaults 0 0
                """);
        OsFacts os = inspect(partition(1, ext4(tree, ROOT_UUID))).systems().get(0);
        assertThat(os.fstab().entries()).extracting(Fstab.Entry::mountPoint, Fstab.Entry::reference, Fstab.Entry::resolvedTo).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/", Fstab.Reference.DEVICE_NAME, "partition 1"),
                org.assertj.core.groups.Tuple.tuple("/data", Fstab.Reference.UUID, null),
                org.assertj.core.groups.Tuple.tuple("/alt", Fstab.Reference.LABEL, null),
                org.assertj.core.groups.Tuple.tuple("/mnt/share", Fstab.Reference.OTHER, null),
                org.assertj.core.groups.Tuple.tuple("/tmp", Fstab.Reference.OTHER, null));
        assertThat(os.fstab().entries().get(3).nonStandardType()).isTrue();
    }

    @Test
    void findsARootOnALogicalVolumeAndNamesTheOneOnAMissingPhysicalVolume() throws Exception {
        LinuxRoot tree = LinuxRoot.ubuntu2204(ROOT_UUID).fstab("/dev/mapper/vg0-root / ext4 defaults 0 1\n");
        byte[] rootFs = Files.readAllBytes(ext4(tree, ROOT_UUID));
        LvmBuilder lvm = new LvmBuilder("vg0", 4L << 20, 7);
        lvm.pv("pv0", 64L << 20);
        lvm.pv("pv1", 64L << 20);
        lvm.lv("root", LvmBuilder.Segment.linear("pv0", 2, 6)).lv("home", LvmBuilder.Segment.linear("pv1", 0, 2));
        Path pv = Tools.sparseFile(dir.resolve("pv0.img"), 64L << 20);
        try (RandomAccessFile f = new RandomAccessFile(pv.toFile(), "rw")) {
            f.write(lvm.header("pv0"));
            f.seek(lvm.pvOffset("root", 0));
            f.write(rootFs);
        }
        OsInspector.Inspection result = inspect(partition(2, pv));
        OsFacts os = result.systems().get(0);
        assertThat(os.root()).isEqualTo("logical volume vg0/root");
        assertThat(os.fstab().root().orElseThrow().reference()).isEqualTo(Fstab.Reference.LVM);
        assertThat(os.fstab().root().orElseThrow().resolvedTo()).isEqualTo("logical volume vg0/root");
        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(OsInspector.Problem.Kind.LVM_MISSING_PV);
            assertThat(p.where()).isEqualTo("logical volume vg0/home");
        });
    }

    @Test
    void namesWindowsServerFromItsRegistryAndCmdExe() throws Exception {
        Tools.require("mkntfs", "ntfs-3g", "umount");
        Path img = Tools.sparseFile(dir.resolve("windows.img"), 48L << 20);
        Tools.run(dir, "mkntfs", "-F", "-Q", "-q", img.toString());
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        Tools.Result mounted = Tools.tryRun(dir, null, "ntfs-3g", img.toString(), mnt.toString());
        assumeTrue(mounted.ok(), "ntfs-3g cannot mount here (FUSE unavailable?): skipped. " + mounted.output());
        try {
            Path config = Files.createDirectories(mnt.resolve("Windows/System32/config"));
            Files.write(config.resolve("SOFTWARE"), HiveBuilder.windowsSoftware("Windows Server 2022 Datacenter", "20348", "ServerDatacenter", "Server"));
            Files.write(mnt.resolve("Windows/System32/cmd.exe"), Pe.header(Pe.AMD64));
            Files.writeString(mnt.resolve("bootmgr"), "boot manager");
        } finally {
            Tools.run(dir, "umount", mnt.toString());
        }
        OsFacts os = inspect(partition(1, img)).systems().get(0);
        assertThat(os.family()).isEqualTo("windows");
        assertThat(os.distribution()).isEqualTo("windows");
        assertThat(os.name()).isEqualTo("Windows Server 2022 Datacenter");
        assertThat(os.version()).isEqualTo("10.0.20348");
        assertThat(os.architecture()).isEqualTo("x86_64");
        assertThat(os.edition()).isEqualTo("ServerDatacenter");
        assertThat(os.installationType()).isEqualTo("Server");
        assertThat(os.bootloader()).isEqualTo("bootmgr");
    }

    @Test
    void aDamagedFileSystemIsAProblemNotAnException() throws Exception {
        byte[] broken = new byte[1 << 20];
        try (RandomAccessFile f = new RandomAccessFile(ext4(LinuxRoot.ubuntu2204(ROOT_UUID), ROOT_UUID).toFile(), "r")) {
            f.readFully(broken, 0, 4096);
        }
        broken[1024 + 24] = 9; // block size 2^19
        OsInspector.Inspection result = inspect(new OsInspector.Candidate("partition 1", 1, BlockDevice.of(broken)));
        assertThat(result.systems()).isEmpty();
        assertThat(result.problems()).singleElement().satisfies(p -> assertThat(p.kind()).isEqualTo(OsInspector.Problem.Kind.DAMAGED));
    }
}
