package dev.vm2ami.image.fs;

import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.testing.Tools;
import dev.vm2ami.image.testing.Trees;
import dev.vm2ami.sampleimages.Elf;
import dev.vm2ami.sampleimages.Ext4Builder;
import dev.vm2ami.sampleimages.LinuxRoot;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The Java ext4 writer of the demo's images, checked by e2fsck and debugfs (e2fsprogs) and by vm2ami's reader. */
class Ext4BuilderTest {
    private static final UUID ID = UUID.fromString("0a1b2c3d-0000-4000-8000-000000000001");

    @TempDir
    Path dir;

    /** The same tree Trees.linuxLike writes to disk for the mkfs tools. */
    static LinuxRoot linuxLike() {
        return new LinuxRoot().file("/etc/os-release", Trees.OS_RELEASE)
                .file("/etc/fstab", "UUID=0a1b2c3d-0000-4000-8000-000000000001 / ext4 defaults 0 1\n")
                .file("/usr/bin/bash", Elf.header(Elf.X86_64, 64))
                .file("/usr/lib/modules/6.1.0-18-amd64/kernel/drivers/net/ethernet/amazon/ena/ena.ko", "ena module")
                .link("/bin", "usr/bin").link("/lib", "usr/lib").link("/etc/alternatives/sh", "/usr/bin/bash")
                .link("/usr/share/up", "../../etc").link("/loop1", "loop2").link("/loop2", "loop1").link("/dangling", "/nowhere/at/all")
                .link("/etc/long-link", "/usr/lib/modules/6.1.0-18-amd64/kernel/drivers/net/ethernet/amazon/ena/ena.ko")
                .file("/big/file", Trees.pattern(99, 3 * 1024 * 1024 + 123));
    }

    @Test
    void writesAnExt4ThatVm2amisReaderReads() throws Exception {
        SparseImage img = Ext4Builder.build(linuxLike(), 16L << 20, ID, "rootfs");
        BlockDevice device = BlockDevice.of(img.toByteArray());
        Volume v = Volumes.open(device, ReadBudget.standard()).orElseThrow();
        assertThat(v).isInstanceOf(ExtVolume.class);
        assertThat(v.type()).isEqualTo("ext4");
        assertThat(v.uuid()).contains(ID.toString());
        assertThat(v.label()).contains("rootfs");
        LinuxTreeContracts.check(v);
    }

    @Test
    void e2fsckFindsNothingToFixAndDebugfsReadsTheFiles() throws Exception {
        Tools.require("e2fsck", "debugfs");
        Path img = Ext4Builder.build(LinuxRoot.ubuntu2204(ID.toString()), 16L << 20, ID, "cloudimg-rootfs").writeTo(dir.resolve("root.ext4"));
        Tools.Result fsck = Tools.tryRun(dir, null, "e2fsck", "-fn", img.toString());
        assertThat(fsck.exit()).as(fsck.output()).isZero();
        assertThat(Tools.run(dir, "debugfs", "-R", "cat /etc/os-release", img.toString())).contains("ID=ubuntu");
        assertThat(Tools.run(dir, "debugfs", "-R", "stat /bin", img.toString())).contains("Fast link dest: \"usr/bin\"");
    }
}
