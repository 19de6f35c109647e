package dev.vm2ami.image.fs;

import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.testing.FileDevice;
import dev.vm2ami.image.testing.Tools;
import dev.vm2ami.image.testing.Trees;
import dev.vm2ami.image.testing.XfsProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * XFS v5 (mkfs.xfs's default) and v4 ({@code -m crc=0}) as mkfs.xfs writes them from a protofile,
 * with directories of every shape: short-form, block, leaf, node, and a node directory whose
 * extents outgrow the inode into a B+tree (xfs_db confirms each shape).
 */
class XfsVolumeTest {
    /** Entries per directory, chosen so that each takes the shape it is named after. */
    private static final Map<String, Integer> SHAPES = Map.of("shortform", 3, "block", 40, "leaf", 300, "node", 1500, "btree", 6000);

    @TempDir
    static Path dir;
    private static Path tree;

    private static String directories;

    @BeforeAll
    static void tree() throws Exception {
        tree = dir.resolve("tree");
        Trees.linuxLike(tree);
        Trees.write(tree, "empty", new byte[0]);
        // The big directories' entries all copy one file: thousands of names without thousands of files here.
        Path source = Files.write(dir.resolve("entry"), Trees.pattern(1, 5));
        StringBuilder d = new StringBuilder(" dirs d--755 0 0\n");
        for (Map.Entry<String, Integer> s : SHAPES.entrySet()) {
            d.append("  ").append(s.getKey()).append(" d--755 0 0\n");
            for (int i = 0; i < s.getValue(); i++) d.append("   entry-").append(i).append(" ---644 0 0 ").append(source).append('\n');
            d.append("  $\n");
        }
        directories = d.append(" $\n").toString();
    }

    private static Path image(int version) throws Exception {
        Tools.require("mkfs.xfs", "xfs_db");
        Path proto = Files.writeString(dir.resolve("proto-" + version), XfsProto.of(tree, directories));
        Path img = Tools.sparseFile(dir.resolve("xfs-v" + version + ".img"), 300L << 20);
        Tools.run(dir, "mkfs.xfs", "-q", "-f", "-m", "crc=" + (version == 5 ? 1 : 0), "-L", "root" + version, "-p", proto.toString(), img.toString());
        return img;
    }

    /**
     * What xfs_db sees of each directory, in one run: its data fork's format (local, extents,
     * btree) and its shape: short-form (local), block (one block), leaf (a leaf block at 32 GiB),
     * node (a free index at 64 GiB).
     */
    private static Map<String, String> shapes(Path img) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("xfs_db", "-r"));
        List<String> names = new ArrayList<>(SHAPES.keySet());
        for (String n : names) cmd.addAll(List.of("-c", "path /dirs/" + n, "-c", "p core.format", "-c", "bmap"));
        cmd.add(img.toString());
        String[] sections = Tools.run(dir, cmd.toArray(String[]::new)).split("core.format = ");
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String s = sections[i + 1];
            String form = s.startsWith("1") ? "shortform" : s.contains("offset 16777216") ? "node" : s.contains("offset 8388608") ? "leaf" : "block";
            out.put(names.get(i), s.startsWith("3") ? "btree " + form : form);
        }
        return out;
    }

    @ParameterizedTest(name = "XFS v{0}")
    @ValueSource(ints = {5, 4})
    void readsEveryDirectoryShapeAndTheLinuxTree(int version) throws Exception {
        Path img = image(version);
        try (FileDevice dev = FileDevice.open(img)) {
            XfsVolume v = (XfsVolume) Volumes.open(dev, ReadBudget.standard()).orElseThrow();
            assertThat(v.version()).isEqualTo(version);
            assertThat(v.label()).contains("root" + version);
            assertThat(v.uuid()).isPresent();
            LinuxTreeContracts.check(v);
            assertThat(v.readFile("/empty", 10)).contains(new byte[0]);
            Map<String, String> shapes = shapes(img);
            assertThat(shapes.get("btree")).as("its extents outgrew the inode").isEqualTo("btree node");
            for (String shape : List.of("shortform", "block", "leaf", "node")) {
                assertThat(shapes.get(shape)).as("the shape of /dirs/" + shape).endsWith(shape);
            }
            for (Map.Entry<String, Integer> s : SHAPES.entrySet()) {
                String path = "/dirs/" + s.getKey();
                assertThat(v.list(path, 10_000).orElseThrow().entries()).as(path).hasSize(s.getValue());
                assertThat(v.readFile(path + "/entry-" + (s.getValue() - 1), 100)).contains(Trees.pattern(1, 5));
                assertThat(v.lookup(path + "/entry-" + s.getValue())).isEmpty();
            }
        }
    }
}
