package dev.vm2ami.image.partition;

import dev.vm2ami.image.fs.Volume;
import dev.vm2ami.image.fs.Volumes;
import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.read.StructureException;
import dev.vm2ami.image.testing.FileDevice;
import dev.vm2ami.image.testing.Loop;
import dev.vm2ami.image.testing.Tools;
import dev.vm2ami.image.testing.Trees;
import dev.vm2ami.sampleimages.LvmBuilder.Segment;
import dev.vm2ami.sampleimages.LvmBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * LVM2 without device-mapper: volume groups made by LVM's own tools (on a loop device, nothing
 * activated), and by the test builder, whose output LVM's tools read back.
 */
class LvmTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    private static List<Lvm.VolumeGroup> assemble(BlockDevice... devices) throws Exception {
        List<Lvm.PhysicalVolume> pvs = new java.util.ArrayList<>();
        for (BlockDevice d : devices) Lvm.read(d, ReadBudget.standard()).ifPresent(pvs::add);
        return Lvm.assemble(pvs);
    }

    private static Lvm.LogicalVolume lv(Lvm.VolumeGroup vg, String name) {
        return vg.lvs().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    private static void writeAt(Path file, long offset, byte[] data) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(data);
        }
    }

    @Test
    void readsAFileSystemOnALogicalVolumeThatLvmToolsSplitIntoTwoSegments() throws Exception {
        Tools.require("pvcreate", "vgcreate", "lvcreate", "lvs", "mkfs.ext4");
        Path img = Tools.sparseFile(dir.resolve("pv.img"), 64 * MIB);
        String vgName = "vm2amitest" + Long.toHexString(new Random().nextLong() & 0xFFFFFF);
        Map<String, String> ranges;
        long peStart;
        try (Loop loop = Loop.attach(dir, img)) {
            loop.lvm("pvcreate", loop.device);
            loop.lvm("vgcreate", "-s", "1m", vgName, loop.device);
            loop.lvm("lvcreate", "-an", "-Zn", "-L", "4m", "-n", "root", vgName);
            loop.lvm("lvcreate", "-an", "-Zn", "-L", "3m", "-n", "swap", vgName);
            loop.lvm("lvextend", "-L", "8m", vgName + "/root");
            peStart = Long.parseLong(loop.lvm("pvs", "--noheadings", "--units", "b", "--nosuffix", "-o", "pe_start").trim());
            ranges = Arrays.stream(loop.lvm("lvs", "--noheadings", "--units", "b", "--nosuffix", "--separator", ",",
                            "-o", "lv_name,seg_start,seg_pe_ranges", vgName).trim().split("\n"))
                    .map(String::trim).collect(Collectors.toMap(l -> l.split(",")[0] + "@" + l.split(",")[1], l -> l.split(",")[2]));
        }
        // An ext4 made by mkfs.ext4, placed where lvs says root's segments are.
        Path tree = dir.resolve("tree");
        Trees.linuxLike(tree);
        Files.delete(tree.resolve("big/file"));
        Path fs = Tools.sparseFile(dir.resolve("root.ext4"), 8 * MIB);
        Tools.run(dir, "mkfs.ext4", "-q", "-F", "-d", tree.toString(), fs.toString());
        byte[] ext4 = Files.readAllBytes(fs);
        for (String segStart : List.of("0", Long.toString(4 * MIB))) {
            String peRange = ranges.get("root@" + segStart).replaceAll(".*:", "");
            long firstPe = Long.parseLong(peRange.split("-")[0]);
            int from = Integer.parseInt(segStart);
            writeAt(img, peStart + firstPe * MIB, Arrays.copyOfRange(ext4, from, from + (int) (4 * MIB)));
        }
        assertThat(ranges.get("root@" + 4 * MIB)).as("root's second segment does not follow its first").doesNotEndWith(":4-7");

        try (FileDevice pv = FileDevice.open(img)) {
            List<Lvm.VolumeGroup> vgs = assemble(pv);
            assertThat(vgs).singleElement().satisfies(vg -> {
                assertThat(vg.name()).isEqualTo(vgName);
                assertThat(vg.missingPvs()).isEmpty();
                assertThat(vg.lvs()).extracting(Lvm.LogicalVolume::name).containsExactly("root", "swap");
            });
            Lvm.LogicalVolume root = lv(vgs.get(0), "root");
            assertThat(root.size()).isEqualTo(8 * MIB);
            assertThat(root.mapperName()).isEqualTo(vgName + "-root");
            Volume v = Volumes.open(root.device().orElseThrow(), ReadBudget.standard()).orElseThrow();
            assertThat(v.readFile("/etc/os-release", 1000).map(String::new)).contains(Trees.OS_RELEASE);
            assertThat(v.readFile("/bin/bash", 4)).isPresent();
        }
    }

    @Test
    void lvmToolsReadWhatTheBuilderWritesEvenWhenItsMetadataWraps() throws Exception {
        Tools.require("pvs", "lvs", "vgck");
        for (long textAt : new long[]{512, LvmBuilder.PE_START - 4096 - 700}) {
            LvmBuilder b = new LvmBuilder("vgbuilt", 4 * MIB, 3);
            b.pv("pv0", 64 * MIB);
            b.lv("root", Segment.linear("pv0", 0, 2), Segment.linear("pv0", 5, 3)).lv("home", Segment.linear("pv0", 2, 3)).textAt(textAt);
            Path img = Tools.sparseFile(dir.resolve("built" + textAt + ".img"), 64 * MIB);
            writeAt(img, 0, b.header("pv0"));
            try (Loop loop = Loop.attach(dir, img)) {
                loop.lvm("vgck", "vgbuilt");
                String lvs = loop.lvm("lvs", "--noheadings", "--separator", ",", "-o", "lv_name,seg_pe_ranges", "vgbuilt");
                assertThat(lvs.lines().map(String::trim).map(l -> l.replace(loop.device, "pv"))).containsExactlyInAnyOrder(
                        "root,pv:0-1", "root,pv:5-7", "home,pv:2-4");
            }
            try (FileDevice pv = FileDevice.open(img)) {
                Lvm.VolumeGroup vg = assemble(pv).get(0);
                assertThat(lv(vg, "root").size()).isEqualTo(5 * 4 * MIB);
                assertThat(lv(vg, "home").size()).isEqualTo(3 * 4 * MIB);
            }
        }
    }

    /** A volume group over two PVs (each 16 MiB, in memory) with bytes written where the builder says each LV's bytes are. */
    private static BlockDevice[] twoPvs(LvmBuilder b, Map<String, byte[]> contents) {
        byte[][] disks = {new byte[(int) (16 * MIB)], new byte[(int) (16 * MIB)]};
        for (int i = 0; i < 2; i++) System.arraycopy(b.header("pv" + i), 0, disks[i], 0, (int) LvmBuilder.PE_START);
        int extent = (int) b.extentBytes();
        for (Map.Entry<String, byte[]> c : contents.entrySet()) {
            for (int at = 0; at < c.getValue().length; at += extent) {
                int disk = b.pvOf(c.getKey(), at).equals("pv0") ? 0 : 1;
                System.arraycopy(c.getValue(), at, disks[disk], (int) b.pvOffset(c.getKey(), at), Math.min(extent, c.getValue().length - at));
            }
        }
        return new BlockDevice[]{BlockDevice.of(disks[0]), BlockDevice.of(disks[1])};
    }

    private static LvmBuilder spanning() {
        LvmBuilder b = new LvmBuilder("vgspan", MIB, 5);
        b.pv("pv0", 16 * MIB);
        b.pv("pv1", 16 * MIB);
        return b.lv("data", Segment.linear("pv0", 10, 3), Segment.linear("pv1", 0, 2), Segment.linear("pv0", 1, 1))
                .lv("pool", new Segment("pv1", 5, 4, "thin"));
    }

    @Test
    void mapsALogicalVolumeAcrossTwoPhysicalVolumes() throws Exception {
        LvmBuilder b = spanning();
        byte[] data = Trees.pattern(2, (int) (6 * MIB));
        BlockDevice[] pvs = twoPvs(b, Map.of("data", data));
        Lvm.VolumeGroup vg = assemble(pvs).get(0);
        BlockDevice lv = lv(vg, "data").device().orElseThrow();
        assertThat(lv.size()).isEqualTo(6 * MIB);
        assertThat(lv.read(0, data.length)).isEqualTo(data);
        assertThat(lv.read(3 * MIB - 100, 200)).as("across the PV boundary").isEqualTo(Arrays.copyOfRange(data, (int) (3 * MIB - 100), (int) (3 * MIB + 100)));
        assertThat(lv(vg, "pool").device()).isEmpty();
        assertThat(lv(vg, "pool").problem().orElseThrow()).contains("thin");
    }

    @Test
    void aLogicalVolumeOnAMissingPhysicalVolumeCannotBeAssembled() throws Exception {
        BlockDevice[] pvs = twoPvs(spanning(), Map.of());
        Lvm.VolumeGroup vg = assemble(pvs[0]).get(0);
        assertThat(vg.missingPvs()).hasSize(1);
        assertThat(lv(vg, "data").problem().orElseThrow()).contains("pv1").contains("not on this disk");
    }

    @Test
    void theNewestMetadataWins() throws Exception {
        LvmBuilder old = new LvmBuilder("vg", MIB, 9).seqno(3);
        old.pv("pv0", 16 * MIB);
        old.pv("pv1", 16 * MIB);
        LvmBuilder newer = new LvmBuilder("vg", MIB, 9).seqno(4);
        newer.pv("pv0", 16 * MIB);
        newer.pv("pv1", 16 * MIB);
        old.lv("a", Segment.linear("pv0", 0, 1));
        newer.lv("a", Segment.linear("pv0", 0, 1)).lv("b", Segment.linear("pv1", 0, 1));
        Lvm.VolumeGroup vg = assemble(twoPvs(old, Map.of())[0], twoPvs(newer, Map.of())[1]).get(0);
        assertThat(vg.seqno()).isEqualTo(4);
        assertThat(vg.lvs()).extracting(Lvm.LogicalVolume::name).containsExactly("a", "b");
    }

    @Test
    void aDamagedLabelOrMetadataIsCorrupt() throws Exception {
        LvmBuilder b = new LvmBuilder("vg", MIB, 1);
        b.pv("pv0", 8 * MIB);
        b.lv("root", Segment.linear("pv0", 0, 2));
        byte[] header = b.header("pv0");
        byte[] badLabel = Arrays.copyOf(header, (int) (8 * MIB));
        badLabel[512 + 100] ^= 1;
        assertThatThrownBy(() -> Lvm.read(BlockDevice.of(badLabel), ReadBudget.standard()))
                .isInstanceOf(StructureException.class).hasMessageContaining("checksum");
        byte[] badText = Arrays.copyOf(header, (int) (8 * MIB));
        badText[4096 + 600] ^= 1;
        assertThatThrownBy(() -> Lvm.read(BlockDevice.of(badText), ReadBudget.standard()))
                .isInstanceOf(StructureException.class).hasMessageContaining("checksum");
        assertThat(Lvm.read(BlockDevice.of(new byte[4096]), ReadBudget.standard())).isEmpty();
    }

    @Test
    void malformedMetadataTextGivesStructureExceptionsOnly() {
        String text = spanning().metadata();
        Random random = new Random(17);
        int parsed = 0;
        for (int i = 0; i < 3000; i++) {
            StringBuilder t = new StringBuilder(text);
            for (int k = 1 + random.nextInt(4); k > 0 && t.length() > 0; k--) {
                int at = random.nextInt(t.length());
                switch (random.nextInt(3)) {
                    case 0 -> t.setCharAt(at, "{}[]=\",#\n0-a".charAt(random.nextInt(12)));
                    case 1 -> t.deleteCharAt(at);
                    default -> t.setLength(at);
                }
            }
            try {
                LvmMetadata.Section root = LvmMetadata.parse(t.toString());
                parsed++;
                Lvm.assemble(List.of(new Lvm.PhysicalVolume("x", 0, BlockDevice.of(new byte[0]), java.util.Optional.of(root))));
            } catch (StructureException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        assertThat(parsed).isGreaterThan(100);
    }
}
