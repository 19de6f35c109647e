package dev.vm2ami.image.os;

import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.read.StructureException;
import dev.vm2ami.sampleimages.Elf;
import dev.vm2ami.sampleimages.Ext4Builder;
import dev.vm2ami.sampleimages.LinuxRoot;
import dev.vm2ami.sampleimages.LvmBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole OS inspection over damaged disks: an Ubuntu root (Java-built ext4) beside an ESP-less
 * data volume, and a root on an LVM logical volume, mutated where the inspection reads (fixed
 * seeds). Every run returns an inspection, problems included; nothing else escapes, and the read
 * budget bounds what is read. The timeout guards against a hang; it measures nothing.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OsInspectorRobustnessTest {
    private static final String UUID_ROOT = "0a1b2c3d-0000-4000-8000-000000000001";
    private static final long BUDGET = 8L << 20;

    /** A device that records which 512-byte sectors are read, and can return mutated bytes. */
    private static final class Disk implements BlockDevice {
        final byte[] bytes;
        final TreeSet<Integer> touched = new TreeSet<>();
        long read;

        Disk(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public byte[] read(long offset, int length) {
            if (offset < 0 || offset >= bytes.length || length <= 0) return new byte[0];
            int end = (int) Math.min(bytes.length, offset + length);
            for (int s = (int) (offset / 512); s <= (end - 1) / 512; s++) touched.add(s);
            read += end - offset;
            return Arrays.copyOfRange(bytes, (int) offset, end);
        }
    }

    private static OsInspector.Inspection inspect(Disk... disks) throws IOException {
        List<OsInspector.Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < disks.length; i++) candidates.add(new OsInspector.Candidate("partition " + (i + 1), i + 1, disks[i]));
        return OsInspector.inspect(candidates, new ReadBudget(BUDGET));
    }

    private static void mutate(byte[][] originals, int rounds, long seed) throws IOException {
        Disk[] clean = new Disk[originals.length];
        for (int i = 0; i < originals.length; i++) clean[i] = new Disk(originals[i]);
        assertThat(inspect(clean).systems()).as("the clean disk has its OS").hasSize(1);
        Random random = new Random(seed);
        for (int round = 0; round < rounds; round++) {
            Disk[] mutants = new Disk[originals.length];
            for (int i = 0; i < originals.length; i++) {
                byte[] copy = originals[i].clone();
                List<Integer> sectors = new ArrayList<>(clean[i].touched);
                for (int f = 1 + random.nextInt(10); f > 0; f--) {
                    int at = sectors.get(random.nextInt(sectors.size())) * 512 + random.nextInt(512);
                    if (at < copy.length) copy[at] = (byte) (random.nextInt(4) == 0 ? 0xFF : random.nextInt(256));
                }
                mutants[i] = new Disk(copy);
            }
            OsInspector.Inspection result = inspect(mutants);
            assertThat(result).isNotNull();
            assertThat(result.problems()).allSatisfy(p -> assertThat(p.message()).isNotBlank());
            long total = Arrays.stream(mutants).mapToLong(d -> d.read).sum();
            assertThat(total).as("bytes read in round " + round).isLessThanOrEqualTo(BUDGET + 64 * 1024);
        }
    }

    @Test
    void damagedRootsGiveInspectionsWithProblemsNeverExceptions() throws IOException {
        byte[] root = Ext4Builder.build(LinuxRoot.ubuntu2204(UUID_ROOT), 2L << 20, UUID.fromString(UUID_ROOT), "root").toByteArray();
        byte[] data = Ext4Builder.build(new LinuxRoot().file("/data/x", "x"), 1L << 20, UUID.randomUUID(), "data").toByteArray();
        mutate(new byte[][]{root, data}, 150, 1);
    }

    @Test
    void damagedLogicalVolumesGiveInspectionsWithProblemsNeverExceptions() throws IOException, StructureException {
        byte[] fs = Ext4Builder.build(LinuxRoot.debian12(UUID_ROOT, Elf.X86_64).fstab("/dev/mapper/vg-root / ext4 defaults 0 1\n"),
                2L << 20, UUID.fromString(UUID_ROOT), "root").toByteArray();
        LvmBuilder lvm = new LvmBuilder("vg", 1L << 20, 3);
        lvm.pv("pv0", 6L << 20);
        lvm.lv("root", LvmBuilder.Segment.linear("pv0", 3, 1), LvmBuilder.Segment.linear("pv0", 0, 1));
        byte[] pv = Arrays.copyOf(lvm.header("pv0"), 6 << 20);
        System.arraycopy(fs, 0, pv, (int) lvm.pvOffset("root", 0), 1 << 20);
        System.arraycopy(fs, 1 << 20, pv, (int) lvm.pvOffset("root", 1 << 20), 1 << 20);
        mutate(new byte[][]{pv}, 150, 2);
    }
}
