package dev.vm2ami.sampleimages;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The formats vm2ami converts, written in Java as QEMU and VirtualBox write them (no qemu-img needed):
 * qcow2 v3 with 64 KiB clusters (plain or deflate-compressed clusters, refcounts that {@code qemu-img check}
 * accepts), a dynamic VDI 1.1, and gzip around anything. Only the clusters or blocks that hold data are stored.
 */
public final class ConvertibleImages {
    private static final int CLUSTER_BITS = 16;
    private static final int CLUSTER = 1 << CLUSTER_BITS;
    private static final int L2_ENTRIES = CLUSTER / 8;
    private static final long COPIED = 1L << 63;
    private static final long COMPRESSED = 1L << 62;
    private static final int VDI_BLOCK = 1 << 20;

    private ConvertibleImages() {}

    /** A qcow2 v3 image of the disk; {@code compressed}: every data cluster deflated (qemu-img convert -c). */
    public static SparseImage qcow2(SparseImage disk, boolean compressed) {
        long size = disk.length();
        int l1Entries = (int) Math.max(1, (size + (long) CLUSTER * L2_ENTRIES - 1) / ((long) CLUSTER * L2_ENTRIES));
        int l1Clusters = (l1Entries * 8 + CLUSTER - 1) / CLUSTER;
        List<Long> dataClusters = new ArrayList<>();
        for (long c : disk.touchedUnits(CLUSTER)) {
            if (!isZero(disk.read(c * CLUSTER, CLUSTER))) dataClusters.add(c);
        }
        List<Integer> l2Tables = dataClusters.stream().map(c -> (int) (c / L2_ENTRIES)).distinct().sorted().toList();
        // Layout: header, refcount table, refcount block, L1, the L2 tables, then the data.
        long refTableAt = CLUSTER;
        long refBlockAt = 2L * CLUSTER;
        long l1At = 3L * CLUSTER;
        long next = l1At + (long) l1Clusters * CLUSTER;
        long[] l2At = new long[l1Entries];
        for (int t : l2Tables) {
            l2At[t] = next;
            next += CLUSTER;
        }
        long metadataEnd = next;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        long[] l2Entry = new long[dataClusters.size()];
        List<long[]> compressedSpans = new ArrayList<>();
        for (int i = 0; i < dataClusters.size(); i++) {
            byte[] cluster = disk.read(dataClusters.get(i) * CLUSTER, CLUSTER);
            long at = metadataEnd + data.size();
            if (compressed) {
                byte[] z = rawDeflate(cluster);
                int sectors = (int) ((at % 512 + z.length + 511) / 512);
                int x = 62 - (CLUSTER_BITS - 8);
                l2Entry[i] = COMPRESSED | ((long) (sectors - 1) << x) | at;
                data.writeBytes(z);
                compressedSpans.add(new long[] {at, at + z.length});
            } else {
                l2Entry[i] = COPIED | at;
                data.writeBytes(cluster);
            }
        }
        long end = metadataEnd + data.size();
        long fileClusters = (end + CLUSTER - 1) / CLUSTER;
        if (fileClusters > CLUSTER / 2) throw new IllegalArgumentException("sample qcow2 images stop at 2 GiB of file");

        SparseImage out = new SparseImage(fileClusters * CLUSTER);
        ByteBuffer h = ByteBuffer.allocate(112).order(ByteOrder.BIG_ENDIAN);
        h.putInt(0, 0x514649FB).putInt(4, 3).putLong(8, 0).putInt(16, 0).putInt(20, CLUSTER_BITS).putLong(24, size)
                .putInt(32, 0).putInt(36, l1Entries).putLong(40, l1At).putLong(48, refTableAt).putInt(56, 1)
                .putInt(60, 0).putLong(64, 0).putLong(72, 0).putLong(80, 0).putLong(88, 0).putInt(96, 4).putInt(100, 112);
        out.write(0, h.array()); // the header extensions end at 112 (type 0, all zeros)
        out.write(refTableAt, ByteBuffer.allocate(8).putLong(0, refBlockAt).array());

        short[] refcounts = new short[(int) fileClusters];
        for (long c = 0; c < metadataEnd / CLUSTER; c++) refcounts[(int) c] = 1; // header, refcounts, L1 and L2 tables
        if (compressed) {
            for (long[] span : compressedSpans) {
                for (long c = span[0] / CLUSTER; c <= (span[1] - 1) / CLUSTER; c++) refcounts[(int) c]++;
            }
        } else {
            for (long c = metadataEnd / CLUSTER; c < fileClusters; c++) refcounts[(int) c] = 1;
        }
        ByteBuffer rb = ByteBuffer.allocate(CLUSTER).order(ByteOrder.BIG_ENDIAN);
        for (int c = 0; c < refcounts.length; c++) rb.putShort(c * 2, refcounts[c]);
        out.write(refBlockAt, rb.array());

        ByteBuffer l1 = ByteBuffer.allocate(l1Clusters * CLUSTER).order(ByteOrder.BIG_ENDIAN);
        for (int t : l2Tables) l1.putLong(t * 8, COPIED | l2At[t]);
        out.write(l1At, l1.array());
        for (int t : l2Tables) {
            ByteBuffer l2 = ByteBuffer.allocate(CLUSTER).order(ByteOrder.BIG_ENDIAN);
            for (int i = 0; i < dataClusters.size(); i++) {
                long c = dataClusters.get(i);
                if (c / L2_ENTRIES == t) l2.putLong((int) (c % L2_ENTRIES) * 8, l2Entry[i]);
            }
            out.write(l2At[t], l2.array());
        }
        out.write(metadataEnd, data.toByteArray());
        return out;
    }

    /** A dynamic VDI 1.1 of the disk, 1 MiB blocks, as VirtualBox writes it: only blocks holding data are stored. */
    public static SparseImage vdi(SparseImage disk) {
        long size = disk.length();
        int blocks = (int) ((size + VDI_BLOCK - 1) / VDI_BLOCK);
        long mapAt = 0x200;
        long dataAt = (mapAt + blocks * 4L + VDI_BLOCK - 1) / VDI_BLOCK * VDI_BLOCK;
        SortedSet<Long> touched = disk.touchedUnits(VDI_BLOCK);
        List<Long> stored = new ArrayList<>();
        for (long b : touched) if (!isZero(disk.read(b * VDI_BLOCK, (int) Math.min(VDI_BLOCK, size - b * VDI_BLOCK)))) stored.add(b);
        SparseImage out = new SparseImage(dataAt + (long) stored.size() * VDI_BLOCK);
        ByteBuffer h = ByteBuffer.allocate(0x200).order(ByteOrder.LITTLE_ENDIAN);
        byte[] text = "<<< Oracle VM VirtualBox Disk Image >>>\n".getBytes(StandardCharsets.US_ASCII);
        h.put(0, text);
        h.putInt(0x40, 0xBEDA107F).putInt(0x44, 0x00010001).putInt(0x48, 0x180).putInt(0x4C, 1).putInt(0x50, 0)
                .putInt(0x154, (int) mapAt).putInt(0x158, (int) dataAt).putInt(0x168, 512).putLong(0x170, size)
                .putInt(0x178, VDI_BLOCK).putInt(0x17C, 0).putInt(0x180, blocks).putInt(0x184, stored.size());
        h.putLong(0x188, 0x0123456789abcdefL).putLong(0x190, 0x0fedcba987654321L); // the image's UUID
        h.putLong(0x198, 0x1111222233334444L).putLong(0x1A0, 0x5555666677778888L);
        out.write(0, h.array());
        ByteBuffer map = ByteBuffer.allocate(blocks * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int b = 0; b < blocks; b++) map.putInt(b * 4, 0xFFFFFFFF);
        for (int i = 0; i < stored.size(); i++) {
            long b = stored.get(i);
            map.putInt((int) b * 4, i);
            out.write(dataAt + (long) i * VDI_BLOCK, disk.read(b * VDI_BLOCK, (int) Math.min(VDI_BLOCK, size - b * VDI_BLOCK)));
        }
        out.write(mapAt, map.array());
        return out;
    }

    /** The image gzip-compressed, as {@code gzip -k} writes it. */
    public static byte[] gzip(byte[] image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes, 1 << 16)) {
            z.write(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] rawDeflate(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[CLUSTER];
        while (!d.finished()) out.write(buf, 0, d.deflate(buf));
        d.end();
        return out.toByteArray();
    }

    private static boolean isZero(byte[] data) {
        for (byte b : data) if (b != 0) return false;
        return true;
    }
}
