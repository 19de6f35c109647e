package dev.vm2ami.sampleimages;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files of a Linux root file system, in memory, as far as OS inspection (vm2ami's, or
 * virt-inspector's) reads them: release files, an ELF binary behind the usual links, kernels in
 * /boot and /lib/modules (with or without ENA and NVMe), a boot loader configuration, fstab. It
 * is written to a directory for mkfs.ext4 -d or a protofile, or straight into an ext4 image by
 * an ext4 image builder.
 */
public final class LinuxRoot {
    /** A regular file, a symbolic link, or a directory. */
    public sealed interface Item permits File, Link, Directory {
    }

    public record File(byte[] content) implements Item {
    }

    public record Link(String target) implements Item {
    }

    public record Directory() implements Item {
    }

    private final TreeMap<String, Item> items = new TreeMap<>();

    /** An empty tree. */
    public LinuxRoot() {
    }

    /**
     * The usual skeleton of a current distribution: /usr merged (/bin, /sbin, /lib link into
     * /usr), /etc/hosts, a /tmp and a /home.
     */
    public static LinuxRoot mergedUsr() {
        return new LinuxRoot().link("/bin", "usr/bin").link("/sbin", "usr/sbin").link("/lib", "usr/lib").link("/lib64", "usr/lib64")
                .file("/etc/hosts", "127.0.0.1 localhost\n").dir("/tmp").dir("/home").dir("/usr/lib64");
    }

    /** A distribution without merged /usr (CentOS 7, Debian before 12, Alpine): real /bin, /sbin and /lib. */
    public static LinuxRoot classic() {
        return new LinuxRoot().dir("/bin").dir("/sbin").dir("/lib").file("/etc/hosts", "127.0.0.1 localhost\n").dir("/tmp");
    }

    public LinuxRoot file(String path, byte[] content) {
        items.put(normalize(path), new File(content.clone()));
        return this;
    }

    public LinuxRoot file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8));
    }

    public LinuxRoot link(String path, String target) {
        items.put(normalize(path), new Link(target));
        return this;
    }

    public LinuxRoot dir(String path) {
        items.putIfAbsent(normalize(path), new Directory());
        return this;
    }

    public LinuxRoot remove(String path) {
        items.remove(normalize(path));
        return this;
    }

    /** /etc/os-release with ID, VERSION_ID and PRETTY_NAME. */
    public LinuxRoot osRelease(String id, String versionId, String prettyName) {
        return file("/etc/os-release", "NAME=\"" + prettyName.split(" ")[0] + "\"\nID=" + id + "\nVERSION_ID=\"" + versionId
                + "\"\nPRETTY_NAME=\"" + prettyName + "\"\n");
    }

    /** ELF executables for {@code machine} where inspection looks: bash (under /usr/bin), systemd, and /sbin/init linking to it. */
    public LinuxRoot architecture(int machine) {
        int bits = machine == Elf.I386 || machine == Elf.ARM ? 32 : 64;
        String bin = items.get("/bin") instanceof Link ? "/usr/bin" : "/bin";
        file(bin + "/bash", Elf.header(machine, bits)).file(bin + "/ls", Elf.header(machine, bits));
        String lib = items.get("/lib") instanceof Link ? "/usr/lib" : "/lib";
        file(lib + "/systemd/systemd", Elf.header(machine, bits));
        String sbin = items.get("/sbin") instanceof Link ? "/usr/sbin" : "/sbin";
        return link(sbin + "/init", "/lib/systemd/systemd");
    }

    /**
     * A kernel: /boot/vmlinuz-VERSION and its initrd, and /lib/modules/VERSION with the ENA module
     * and NVMe built in (as distribution kernels have them), unless asked otherwise.
     */
    public LinuxRoot kernel(String version, boolean ena, boolean nvme) {
        file("/boot/vmlinuz-" + version, "kernel " + version).file("/boot/initrd.img-" + version, "initramfs " + version);
        String modules = (items.get("/lib") instanceof Link ? "/usr/lib" : "/lib") + "/modules/" + version;
        file(modules + "/modules.builtin", "kernel/drivers/block/loop.ko\n" + (nvme ? "kernel/drivers/nvme/host/nvme.ko\nkernel/drivers/nvme/host/nvme-core.ko\n" : ""));
        file(modules + "/kernel/drivers/net/virtio_net.ko", "module");
        if (ena) file(modules + "/kernel/drivers/net/ethernet/amazon/ena/ena.ko", "module");
        return this;
    }

    public LinuxRoot kernel(String version) {
        return kernel(version, true, true);
    }

    public LinuxRoot grub2(String rootSpec) {
        return file("/boot/grub/grub.cfg", "set default=0\nmenuentry 'Linux' {\n  linux /boot/vmlinuz root=" + rootSpec + " ro\n}\n");
    }

    public LinuxRoot fstab(String text) {
        return file("/etc/fstab", text);
    }

    /** Ubuntu 22.04 as its cloud image has it: merged /usr, kernel 5.15, GRUB 2, root by UUID. */
    public static LinuxRoot ubuntu2204(String rootUuid) {
        return mergedUsr().osRelease("ubuntu", "22.04", "Ubuntu 22.04.3 LTS").architecture(Elf.X86_64).kernel("5.15.0-91-generic")
                .grub2("UUID=" + rootUuid).fstab("UUID=" + rootUuid + " / ext4 discard,errors=remount-ro 0 1\n");
    }

    /** Debian 12: merged /usr, debian_version with the point release, kernel 6.1. */
    public static LinuxRoot debian12(String rootUuid, int machine) {
        String arch = machine == Elf.AARCH64 ? "arm64" : "amd64";
        return mergedUsr().osRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)").file("/etc/debian_version", "12.4\n")
                .architecture(machine).kernel("6.1.0-18-" + arch).grub2("UUID=" + rootUuid)
                .fstab("UUID=" + rootUuid + " / ext4 errors=remount-ro 0 1\n");
    }

    /** CentOS 7: classic layout, /etc/centos-release, kernel 3.10.0, GRUB 2 under /boot/grub2. */
    public static LinuxRoot centos7(String rootSpec, String bootUuid) {
        LinuxRoot r = classic().osRelease("centos", "7", "CentOS Linux 7 (Core)")
                .file("/etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n").architecture(Elf.X86_64);
        r.file("/lib/modules/3.10.0-1160.el7.x86_64/kernel/drivers/net/ethernet/amazon/ena/ena.ko.xz", "module")
                .file("/lib/modules/3.10.0-1160.el7.x86_64/kernel/drivers/nvme/host/nvme.ko.xz", "module");
        StringBuilder fstab = new StringBuilder(rootSpec + " / xfs defaults 0 0\n");
        if (bootUuid != null) fstab.append("UUID=").append(bootUuid).append(" /boot xfs defaults 0 0\n");
        else r.file("/boot/vmlinuz-3.10.0-1160.el7.x86_64", "kernel").file("/boot/grub2/grub.cfg", "menuentry 'CentOS' {}\n");
        return r.fstab(fstab.toString());
    }

    /** Alpine 3.19: busybox, a -virt kernel, extlinux, no systemd. */
    public static LinuxRoot alpine319(String rootUuid) {
        return classic().osRelease("alpine", "3.19.1", "Alpine Linux v3.19").file("/etc/alpine-release", "3.19.1\n")
                .file("/bin/busybox", Elf.header(Elf.X86_64, 64)).link("/bin/sh", "/bin/busybox").link("/sbin/init", "/bin/busybox")
                .file("/boot/vmlinuz-virt", "kernel").file("/boot/extlinux.conf", "DEFAULT virt\nLABEL virt\n  KERNEL /boot/vmlinuz-virt\n")
                .file("/lib/modules/6.6.14-0-virt/modules.builtin", "")
                .file("/lib/modules/6.6.14-0-virt/kernel/drivers/net/ethernet/amazon/ena/ena.ko.gz", "module")
                .file("/lib/modules/6.6.14-0-virt/kernel/drivers/nvme/host/nvme.ko.gz", "module")
                .fstab("UUID=" + rootUuid + " / ext4 rw,relatime 0 1\n");
    }

    /** A 32-bit Debian 8 (i386, the 686-pae kernel EC2 refuses with "Unsupported kernel version"). */
    public static LinuxRoot debian8i386(String rootUuid) {
        return classic().osRelease("debian", "8", "Debian GNU/Linux 8 (jessie)").file("/etc/debian_version", "8.11\n")
                .architecture(Elf.I386).kernel("3.16.0-4-686-pae", false, false).grub2("UUID=" + rootUuid)
                .fstab("UUID=" + rootUuid + " / ext4 errors=remount-ro 0 1\n");
    }

    public Map<String, Item> items() {
        return Collections.unmodifiableMap(items);
    }

    /** Writes the tree under {@code dir} (parents created), for mkfs.ext4 -d and protofiles. */
    public Path writeTo(Path dir) throws IOException {
        for (Map.Entry<String, Item> e : items.entrySet()) {
            Path p = dir.resolve(e.getKey().substring(1));
            Files.createDirectories(p.getParent());
            switch (e.getValue()) {
                case File f -> Files.write(p, f.content());
                case Link l -> Files.createSymbolicLink(p, Path.of(l.target()));
                case Directory d -> Files.createDirectories(p);
            }
        }
        return dir;
    }

    private static String normalize(String path) {
        String p = path.startsWith("/") ? path : "/" + path;
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
