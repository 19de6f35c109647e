package dev.vm2ami.image.fs;

import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.testing.FileDevice;
import dev.vm2ami.image.testing.Tools;
import dev.vm2ami.image.testing.Trees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ext2/3/4 as mkfs.ext2/3/4 -d writes them (e2fsprogs): extents and extent trees, block maps
 * (direct, indirect, double and triple indirect), inline data, and htree directories (indexed by
 * e2fsck -D), read through the common {@link Volume} API.
 */
class ExtVolumeTest {
    @TempDir
    Path dir;

    private Path image(String mkfs, String name, long size, Path tree, String... options) throws Exception {
        Tools.require(mkfs);
        Path img = Tools.sparseFile(dir.resolve(name), size);
        List<String> cmd = new ArrayList<>(List.of(mkfs, "-q", "-F", "-d", tree.toString()));
        cmd.addAll(List.of(options));
        cmd.add(img.toString());
        Tools.run(dir, cmd.toArray(String[]::new));
        return img;
    }

    private Path tree() throws Exception {
        Path root = dir.resolve("tree");
        Trees.linuxLike(root);
        return root;
    }

    @Test
    void readsExt4WithExtentsThroughTheCommonApi() throws Exception {
        Path img = image("mkfs.ext4", "ext4.img", 64L << 20, tree(), "-L", "rootfs", "-U", "0a1b2c3d-0000-4000-8000-000000000001");
        try (FileDevice dev = FileDevice.open(img)) {
            Volume v = Volumes.open(dev, ReadBudget.standard()).orElseThrow();
            assertThat(v.type()).isEqualTo("ext4");
            assertThat(v.label()).contains("rootfs");
            assertThat(v.uuid()).contains("0a1b2c3d-0000-4000-8000-000000000001");
            LinuxTreeContracts.check(v);
        }
    }

    @Test
    void followsADeepExtentTreeOfAFileWithManyHoles() throws Exception {
        Path root = dir.resolve("holes");
        byte[] expected = Trees.holey(root, "sparse", 4096, 12288, 300);
        Path img = image("mkfs.ext4", "holes.img", 32L << 20, root, "-b", "4096");
        Tools.require("debugfs");
        String extents = Tools.run(dir, "debugfs", "-R", "ex /sparse", img.toString());
        assertThat(extents).as("the file needs an extent tree of depth 1").contains(" 1/ 1 ");
        try (FileDevice dev = FileDevice.open(img)) {
            Volume v = Volumes.open(dev, ReadBudget.standard()).orElseThrow();
            Volume.Node f = v.lookup("sparse").orElseThrow();
            assertThat(v.read(f, 0, expected.length)).isEqualTo(expected);
        }
    }

    @Test
    void readsAnHtreeDirectoryLinearly() throws Exception {
        Path root = dir.resolve("many");
        for (int i = 0; i < 200; i++) Trees.write(root, "d/entry-with-a-rather-long-name-" + i, Integer.toString(i));
        Path img = image("mkfs.ext4", "htree.img", 32L << 20, root);
        Tools.require("e2fsck", "debugfs");
        Tools.tryRun(dir, null, "e2fsck", "-fyD", img.toString()); // exit 1: "file system was modified", as asked
        assertThat(Tools.run(dir, "debugfs", "-R", "htree /d", img.toString())).as("e2fsck -D indexed it").contains("Root node dump");
        try (FileDevice dev = FileDevice.open(img)) {
            Volume v = Volumes.open(dev, ReadBudget.standard()).orElseThrow();
            assertThat(v.list("/d", 1000).orElseThrow().entries()).hasSize(200);
            assertThat(new String(v.readFile("/d/entry-with-a-rather-long-name-177", 10).orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("177");
        }
    }

    @Test
    void readsInlineDataFilesAndDirectories() throws Exception {
        Path root = dir.resolve("inline");
        Trees.write(root, "etc/hostname", "tiny\n");
        Trees.write(root, "etc/medium", "m".repeat(100));
        Path img = image("mkfs.ext4", "inline.img", 32L << 20, root, "-O", "inline_data", "-I", "256");
        try (FileDevice dev = FileDevice.open(img)) {
            Volume v = Volumes.open(dev, ReadBudget.standard()).orElseThrow();
            assertThat(new String(v.readFile("/etc/hostname", 100).orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("tiny\n");
            assertThat(new String(v.readFile("/etc/medium", 200).orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("m".repeat(100));
            assertThat(v.list("/etc", 10).orElseThrow().names()).containsExactlyInAnyOrder("hostname", "medium");
        }
    }

    @Test
    void readsExt3AndExt2BlockMapsUpToTripleIndirectBlocks() throws Exception {
        Path root = tree();
        // With 1 KiB blocks: 12 direct, 256 indirect, 65536 double indirect blocks; data past 64 MiB is triple indirect.
        Trees.write(root, "indirect", Trees.pattern(5, 400 * 1024));
        byte[] far = Trees.pattern(6, 5000);
        try (var f = new java.io.RandomAccessFile(root.resolve("triple").toFile(), "rw")) {
            f.seek(70L << 20);
            f.write(far);
        }
        for (String mkfs : List.of("mkfs.ext3", "mkfs.ext2")) {
            Path img = image(mkfs, mkfs + ".img", 48L << 20, root, "-b", "1024");
            try (FileDevice dev = FileDevice.open(img)) {
                Volume v = Volumes.open(dev, ReadBudget.standard()).orElseThrow();
                assertThat(v.type()).isEqualTo(mkfs.substring(5));
                LinuxTreeContracts.check(v);
                assertThat(v.readFile("/indirect", 1 << 20).orElseThrow()).isEqualTo(Trees.pattern(5, 400 * 1024));
                Volume.Node t = v.lookup("/triple").orElseThrow();
                assertThat(v.read(t, 70L << 20, far.length)).isEqualTo(far);
                assertThat(v.read(t, 1L << 20, 4)).as("a hole").containsOnly(0);
            }
        }
    }

    @Test
    void aVolumeWithoutAKnownSuperblockIsNoVolume() throws Exception {
        assertThat(Volumes.open(BlockDevice.of(new byte[8192]), ReadBudget.standard())).isEmpty();
    }
}
