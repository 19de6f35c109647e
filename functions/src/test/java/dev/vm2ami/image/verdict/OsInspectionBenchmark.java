package dev.vm2ami.image.verdict;

import dev.vm2ami.image.read.FileRangeReader;
import dev.vm2ami.image.testing.Tools;
import dev.vm2ami.image.testing.XfsProto;
import dev.vm2ami.sampleimages.Containers;
import dev.vm2ami.sampleimages.DiskBuilder;
import dev.vm2ami.sampleimages.HiveBuilder;
import dev.vm2ami.sampleimages.LinuxRoot;
import dev.vm2ami.sampleimages.LvmBuilder;
import dev.vm2ami.sampleimages.Pe;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Figures, not timed assertions: what the whole pre-flight (container, partitions, and the OS
 * inside) costs per container format and file system, on 4 GiB and 2 TiB sparse disks. The file
 * systems are made by mkfs.ext4 -d, mkfs.xfs -p, mkfs.vfat + mcopy and (where FUSE works) ntfs-3g,
 * from distribution trees grown to a realistic size (1500 programs in /usr/bin, 3000 kernel modules,
 * 300 files in /etc, 800 package docs). Run with
 * {@code ./mvnw -B -Pbench -pl functions verify -Dtest=OsInspectionBenchmark}.
 */
@Tag("bench")
class OsInspectionBenchmark {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final long TIB = 1L << 40;
    private static final String UUID_ROOT = "0a1b2c3d-0000-4000-8000-000000000001";
    private static final String UUID_BOOT = "0a1b2c3d-0000-4000-8000-00000000000b";
    private static final int RUNS = 5;

    @TempDir
    Path dir;

    private static LinuxRoot grown(LinuxRoot r, String modules) {
        for (int i = 0; i < 1500; i++) r.file("/usr/bin/program-" + i, "x");
        for (int i = 0; i < 300; i++) r.file("/etc/conf-" + i, "x");
        for (int d = 0; d < 60; d++) for (int i = 0; i < 50; i++) r.file(modules + "/kernel/drivers/d" + d + "/module" + i + ".ko", "m");
        for (int i = 0; i < 800; i++) r.file("/usr/share/doc/package-" + i + "/copyright", "c");
        return r;
    }

    /** A file system image as a sparse image: only its non-zero 64 KiB pieces. */
    private static SparseImage load(Path file) throws IOException {
        SparseImage image = new SparseImage(Files.size(file));
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            long at = 0;
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                boolean zero = true;
                for (int i = 0; i < n && zero; i++) zero = buf[i] == 0;
                if (!zero) image.write(at, Arrays.copyOf(buf, n));
                at += n;
            }
        }
        return image;
    }

    private SparseImage ext4(LinuxRoot tree, String name, long size) throws Exception {
        Path root = tree.writeTo(dir.resolve(name + "-tree"));
        Path img = Tools.sparseFile(dir.resolve(name + ".ext4"), size);
        Tools.run(dir, "mkfs.ext4", "-q", "-F", "-U", UUID_ROOT, "-d", root.toString(), img.toString());
        return load(img);
    }

    private SparseImage xfs(LinuxRoot tree, String name, String uuid) throws Exception {
        Path root = tree.writeTo(dir.resolve(name + "-tree"));
        Path proto = Files.writeString(dir.resolve(name + ".proto"), XfsProto.of(root));
        Path img = Tools.sparseFile(dir.resolve(name + ".xfs"), 300 * MIB);
        Tools.run(dir, "mkfs.xfs", "-q", "-f", "-m", "uuid=" + uuid, "-p", proto.toString(), img.toString());
        return load(img);
    }

    private SparseImage esp() throws Exception {
        Path img = dir.resolve("esp.vfat");
        Tools.run(dir, "mkfs.vfat", "-F", "32", "-C", img.toString(), Long.toString(64 * 1024));
        Path loader = Files.writeString(dir.resolve("BOOTX64.EFI"), "MZ shim");
        Tools.run(dir, "mmd", "-i", img.toString(), "::/EFI", "::/EFI/BOOT", "::/EFI/ubuntu");
        Tools.run(dir, "mcopy", "-i", img.toString(), loader.toString(), "::/EFI/BOOT/BOOTX64.EFI");
        return load(img);
    }

    /** Windows Server 2022 on NTFS through ntfs-3g's FUSE driver, or null where FUSE cannot mount. */
    private SparseImage ntfs() throws Exception {
        if (!Tools.has("mkntfs", "ntfs-3g", "umount")) return null;
        Path img = Tools.sparseFile(dir.resolve("windows.ntfs"), 256 * MIB);
        Tools.run(dir, "mkntfs", "-F", "-Q", "-q", img.toString());
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        if (!Tools.tryRun(dir, null, "ntfs-3g", img.toString(), mnt.toString()).ok()) return null;
        try {
            Path sys = Files.createDirectories(mnt.resolve("Windows/System32/config"));
            Files.write(sys.resolve("SOFTWARE"), HiveBuilder.windowsSoftware("Windows Server 2022 Datacenter", "20348", "ServerDatacenter", "Server"));
            Files.write(mnt.resolve("Windows/System32/cmd.exe"), Pe.header(Pe.AMD64));
            for (int i = 0; i < 3000; i++) Files.writeString(mnt.resolve("Windows/System32/library" + i + ".dll"), "d");
            Files.writeString(mnt.resolve("bootmgr"), "boot manager");
        } finally {
            Tools.run(dir, "umount", mnt.toString());
        }
        return load(img);
    }

    /** A BIOS disk: MBR up to 2 TiB, GPT with a BIOS boot partition beyond. */
    private static DiskBuilder bios(long size) {
        return size < 2 * TIB ? DiskBuilder.mbr(size) : DiskBuilder.gpt(size).partition(DiskBuilder.BIOS_BOOT, MIB, dev.vm2ami.sampleimages.FileSystemSample.NONE);
    }

    private static String type(long size, String mbr, String gpt) {
        return size < 2 * TIB ? mbr : gpt;
    }

    @Test
    void printsTheCostOfTheOsInspectionPerFormatAndFileSystem() throws Exception {
        assumeTrue(Tools.has("mkfs.ext4", "mkfs.xfs", "mkfs.vfat", "mcopy"), "the mkfs tools are needed to build the images");
        SparseImage ubuntu = ext4(grown(LinuxRoot.ubuntu2204(UUID_ROOT), "/usr/lib/modules/5.15.0-91-generic"), "ubuntu", 256 * MIB);
        SparseImage centosBoot = xfs(new LinuxRoot().file("/vmlinuz-3.10.0-1160.el7.x86_64", "kernel")
                .file("/grub2/grub.cfg", "menuentry 'CentOS Linux' {}\n"), "boot", UUID_BOOT);
        SparseImage centosRoot = xfs(grown(LinuxRoot.centos7("UUID=" + UUID_ROOT, UUID_BOOT), "/lib/modules/3.10.0-1160.el7.x86_64"), "centos", UUID_ROOT);
        SparseImage debianLv = ext4(grown(LinuxRoot.debian12(UUID_ROOT, dev.vm2ami.sampleimages.Elf.X86_64)
                .fstab("/dev/mapper/vg0-root / ext4 defaults 0 1\n"), "/usr/lib/modules/6.1.0-18-amd64"), "debian", 256 * MIB);
        SparseImage esp = esp();
        SparseImage windows = ntfs();

        Map<String, SparseImage> images = new LinkedHashMap<>();
        for (long size : new long[]{4 * GIB, 2 * TIB}) {
            String s = size == 4 * GIB ? "4gib" : "2tib";
            SparseImage u = bios(size).partition(type(size, "0x83", DiskBuilder.LINUX), size - 4 * MIB, ubuntu).build();
            images.put(s + "-ubuntu-ext4.raw", u);
            images.put(s + "-ubuntu-ext4.vmdk", Containers.streamOptimizedVmdk(u));
            images.put(s + "-ubuntu-ext4.vhd", Containers.dynamicVhd(u, 3));
            images.put(s + "-ubuntu-ext4.vhdx", Containers.vhdx(u));
            if (size == 4 * GIB) images.put(s + "-ubuntu-ext4.ova", Containers.ova(List.of(new Containers.OvaDisk("disk1.vmdk", images.get(s + "-ubuntu-ext4.vmdk")))));
            images.put(s + "-centos-xfs.raw", bios(size).partition(type(size, "0x83", DiskBuilder.LINUX), GIB, centosBoot)
                    .partition(type(size, "0x83", DiskBuilder.LINUX), size - GIB - 4 * MIB, centosRoot).build());
            LvmBuilder lvm = new LvmBuilder("vg0", 4 * MIB, 1);
            long pvSize = size - 4 * MIB;
            lvm.pv("pv0", pvSize);
            lvm.lv("root", LvmBuilder.Segment.linear("pv0", 0, 64));
            SparseImage pv = new SparseImage(pvSize).write(0, lvm.header("pv0")).write(lvm.pvOffset("root", 0), debianLv);
            images.put(s + "-debian-lvm.raw", bios(size).partition(type(size, "0x8E", DiskBuilder.LINUX), pvSize, pv).build());
            images.put(s + "-ubuntu-uefi.raw", DiskBuilder.gpt(size).partition(DiskBuilder.ESP, 64 * MIB, esp)
                    .partition(DiskBuilder.LINUX, size - 68 * MIB, ubuntu).build());
            if (windows != null) {
                images.put(s + "-windows-ntfs.raw", bios(size).partition(type(size, "0x07", DiskBuilder.MICROSOFT_BASIC_DATA), size - 4 * MIB, windows).build());
            }
        }
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, SparseImage> e : images.entrySet()) files.add(e.getValue().writeTo(dir.resolve(e.getKey())));
        for (Path f : files) inspect(f); // warm-up: class loading and JIT, not the image

        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n%-24s %-6s %-8s %-7s %-32s %10s %8s %9s%n",
                "image", "format", "disk", "verdict", "os found", "bytes read", "requests", "ms (med)"));
        for (Path f : files) {
            InspectionReport report = null;
            double[] millis = new double[RUNS];
            for (int i = 0; i < RUNS; i++) {
                long t = System.nanoTime();
                report = inspect(f);
                millis[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(millis);
            assertThat(report.os()).as(f.getFileName() + ": " + report.findings()).isPresent();
            String os = report.os().map(o -> (o.name() == null ? o.distribution() : o.name()) + " " + o.architecture()).orElse("-");
            table.append(String.format(Locale.ROOT, "%-24s %-6s %-8s %-7s %-32s %10d %8d %9.1f%n", f.getFileName(), report.format(),
                    dev.vm2ami.image.finding.Sizes.human(report.virtualSize(), "B"), report.verdict(),
                    os.length() > 32 ? os.substring(0, 32) : os, report.bytesRead(), report.rangeRequests(), millis[RUNS / 2]));
        }
        System.out.println(table);
    }

    private static InspectionReport inspect(Path file) throws IOException {
        try (FileRangeReader reader = new FileRangeReader(file)) {
            return new ImageInspector().inspect(reader, new InspectionRequest(file.getFileName().toString(), null));
        }
    }
}
