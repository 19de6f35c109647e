package dev.vm2ami.image.fs;

import dev.vm2ami.image.partition.Lvm;
import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.read.StructureException;
import dev.vm2ami.image.testing.FileDevice;
import dev.vm2ami.image.testing.Tools;
import dev.vm2ami.image.testing.Trees;
import dev.vm2ami.image.testing.XfsProto;
import dev.vm2ami.sampleimages.LvmBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Damaged file systems never crash the readers: images made by the real tools are walked (every
 * directory listed, every link followed, every file read) once clean, recording which bytes the
 * readers touch; then those bytes are mutated (fixed seeds) and the image cut short, and every
 * walk of a mutant must end in answers or {@link StructureException}s only: no other exception,
 * no hang (the class's timeout is a guard, not a measurement), never more than the read budget.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReaderRobustnessTest {
    private static final int MUTANTS = 60;
    private static final long BUDGET = 4L << 20;

    @TempDir
    static Path dir;
    private static final Map<String, FileDevice> images = new LinkedHashMap<>();

    @BeforeAll
    static void images() throws Exception {
        Path tree = dir.resolve("tree");
        Trees.linuxLike(tree);
        Files.delete(tree.resolve("big/file"));
        Trees.write(tree, "big/file", Trees.pattern(1, 300_000));
        for (int i = 0; i < 60; i++) Trees.write(tree, "etc/conf.d/file-with-a-long-name-" + i, "x" + i);
        if (Tools.has("mkfs.ext4")) {
            images.put("ext4", mkfs("ext4", Tools.sparseFile(dir.resolve("ext4.img"), 8L << 20), "mkfs.ext4", "-q", "-F", "-d", tree.toString()));
            images.put("ext2", mkfs("ext2", Tools.sparseFile(dir.resolve("ext2.img"), 8L << 20), "mkfs.ext2", "-q", "-F", "-d", tree.toString()));
        }
        if (Tools.has("mkfs.xfs")) {
            Path proto = Files.writeString(dir.resolve("proto"), XfsProto.of(tree));
            images.put("xfs", mkfs("xfs", Tools.sparseFile(dir.resolve("xfs.img"), 300L << 20), "mkfs.xfs", "-q", "-f", "-p", proto.toString()));
        }
        if (Tools.has("mkfs.vfat", "mcopy")) {
            Path img = dir.resolve("fat.img");
            Tools.run(dir, "mkfs.vfat", "-F", "16", "-C", img.toString(), "16384");
            Tools.run(dir, "mcopy", "-s", "-i", img.toString(), tree.resolve("etc/conf.d").toString(), tree.resolve("big").toString(), "::/");
            images.put("vfat", FileDevice.open(img));
        }
        if (Tools.has("mkntfs", "ntfscp")) {
            Path img = Tools.sparseFile(dir.resolve("ntfs.img"), 16L << 20);
            Tools.run(dir, "mkntfs", "-F", "-Q", "-q", img.toString());
            Tools.run(dir, "ntfscp", img.toString(), tree.resolve("etc/os-release").toString(), "os-release");
            Tools.run(dir, "ntfscp", img.toString(), tree.resolve("big/file").toString(), "big");
            images.put("ntfs", FileDevice.open(img));
        }
        LvmBuilder lvm = new LvmBuilder("vg", 1L << 20, 2);
        lvm.pv("pv0", 8L << 20);
        lvm.lv("root", LvmBuilder.Segment.linear("pv0", 0, 2), LvmBuilder.Segment.linear("pv0", 4, 1)).lv("swap", LvmBuilder.Segment.linear("pv0", 2, 2));
        Path pv = Files.write(dir.resolve("pv.img"), java.util.Arrays.copyOf(lvm.header("pv0"), 8 << 20));
        images.put("lvm2", FileDevice.open(pv));
    }

    private static FileDevice mkfs(String name, Path img, String... command) throws Exception {
        String[] cmd = java.util.Arrays.copyOf(command, command.length + 1);
        cmd[command.length] = img.toString();
        Tools.run(dir, cmd);
        return FileDevice.open(img);
    }

    @AfterAll
    static void close() throws Exception {
        for (FileDevice d : images.values()) d.close();
    }

    /** A device that remembers the 512-byte sectors read from it. */
    private record Recording(BlockDevice inner, TreeSet<Long> sectors) implements BlockDevice {
        @Override
        public long size() {
            return inner.size();
        }

        @Override
        public byte[] read(long offset, int length) throws IOException, StructureException {
            for (long s = offset / 512; s <= (offset + Math.max(1, length) - 1) / 512 && s - offset / 512 < 64; s++) sectors.add(s);
            return inner.read(offset, length);
        }
    }

    /** Everything a reader can be asked; returns how many operations answered (StructureExceptions are counted, not thrown). */
    private static int walk(String kind, BlockDevice device) throws IOException {
        int[] answered = {0};
        try {
            ReadBudget budget = new ReadBudget(BUDGET);
            if (kind.equals("lvm2")) {
                Lvm.read(device, budget).ifPresent(pv -> {
                    try {
                        for (Lvm.VolumeGroup vg : Lvm.assemble(List.of(pv))) {
                            for (Lvm.LogicalVolume lv : vg.lvs()) {
                                if (lv.device().isPresent()) lv.device().get().read(0, 4096);
                                answered[0]++;
                            }
                        }
                    } catch (StructureException | IOException e) {
                        assertThat(e.getMessage()).isNotBlank();
                    }
                });
                return answered[0];
            }
            Volume v = Volumes.open(device, budget).orElse(null);
            if (v == null) return 0;
            walkDirectory(v, "/", 0, answered);
        } catch (StructureException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
        return answered[0];
    }

    private static void walkDirectory(Volume v, String path, int depth, int[] answered) throws IOException {
        if (depth > 6) return;
        Volume.Listing listing;
        try {
            Volume.Node node = v.lookup(path).orElse(null);
            if (node == null || !node.isDirectory()) return;
            listing = v.list(node, 200);
            answered[0]++;
        } catch (StructureException e) {
            return;
        }
        for (Volume.Entry e : listing.entries()) {
            String child = path.endsWith("/") ? path + e.name() : path + "/" + e.name();
            try {
                Volume.Node n = v.lookupNoFollow(child).orElse(null);
                if (n == null) continue;
                if (n.kind() == Volume.Kind.SYMLINK) {
                    v.readLink(child);
                    v.lookup(child);
                } else if (n.isFile()) {
                    v.read(n, 0, 4096);
                    v.read(n, n.size() / 2, 70_000);
                } else if (n.isDirectory()) {
                    walkDirectory(v, child, depth + 1, answered);
                }
                answered[0]++;
            } catch (StructureException ex) {
                assertThat(ex.getMessage()).isNotBlank();
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> mutatedFileSystemsGiveAnswersOrStructureExceptions() {
        return images.entrySet().stream().map(image -> DynamicTest.dynamicTest(image.getKey(), () -> {
            FileDevice clean = image.getValue();
            Recording recording = new Recording(clean, new TreeSet<>());
            int cleanAnswers = walk(image.getKey(), recording);
            assertThat(cleanAnswers).as("the clean image is read").isGreaterThan(0);
            List<Long> touched = new ArrayList<>(recording.sectors());
            Random random = new Random(image.getKey().hashCode());
            for (int i = 0; i < MUTANTS; i++) {
                Map<Long, Byte> changes = new HashMap<>();
                for (int f = 1 + random.nextInt(12); f > 0; f--) {
                    long sector = touched.get(random.nextInt(touched.size()));
                    changes.put(sector * 512 + random.nextInt(512), (byte) (random.nextInt(4) == 0 ? 0xFF : random.nextInt(256)));
                }
                FileDevice mutant = clean.mutated(changes, clean.size());
                walk(image.getKey(), mutant);
                assertThat(mutant.bytes()).as("bytes read from mutant " + i).isLessThanOrEqualTo(BUDGET);
            }
            for (int i = 0; i < 20; i++) {
                long cut = touched.get(random.nextInt(touched.size())) * 512 + random.nextInt(512);
                walk(image.getKey(), clean.mutated(Map.of(), cut));
            }
        }));
    }
}
