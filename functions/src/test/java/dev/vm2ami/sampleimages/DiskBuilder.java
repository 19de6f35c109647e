package dev.vm2ami.sampleimages;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * A raw disk with an MBR or a GPT (protective MBR, both headers and entry arrays, correct CRC32s)
 * and the first blocks of a file system in each partition. Sizes are in bytes; partitions start
 * at 1 MiB unless placed explicitly, as partitioning tools do.
 */
public final class DiskBuilder {
    public static final String ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
    public static final String BIOS_BOOT = "21686148-6449-6E6F-744E-656564454649";
    public static final String LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
    public static final String MICROSOFT_BASIC_DATA = "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7";
    public static final String LINUX_SWAP = "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F";
    private static final int SECTOR = 512;
    private static final long MIB = 1024 * 1024;
    private static final int GPT_ENTRIES = 128;

    private record Part(String type, long offset, long size, FileSystemSample fs, SparseImage content, boolean active) {
    }

    private final long size;
    private final boolean gpt;
    private final List<Part> parts = new ArrayList<>();
    private boolean bootCode = true;

    private DiskBuilder(long size, boolean gpt) {
        this.size = size;
        this.gpt = gpt;
    }

    public static DiskBuilder mbr(long size) {
        return new DiskBuilder(size, false);
    }

    public static DiskBuilder gpt(long size) {
        return new DiskBuilder(size, true);
    }

    /** A partition after the previous one (the first at 1 MiB); MBR types as "0x83", GPT types as GUIDs. */
    public DiskBuilder partition(String type, long bytes, FileSystemSample fs) {
        long start = parts.isEmpty() ? MIB : parts.get(parts.size() - 1).offset() + parts.get(parts.size() - 1).size();
        return partitionAt(type, start, bytes, fs);
    }

    public DiskBuilder partitionAt(String type, long offset, long bytes, FileSystemSample fs) {
        parts.add(new Part(type, offset, bytes, fs, null, parts.isEmpty()));
        return this;
    }

    /** A partition after the previous one holding {@code content} (a whole file system, say {@link Ext4Builder}'s). */
    public DiskBuilder partition(String type, long bytes, SparseImage content) {
        long start = parts.isEmpty() ? MIB : parts.get(parts.size() - 1).offset() + parts.get(parts.size() - 1).size();
        parts.add(new Part(type, start, bytes, FileSystemSample.NONE, content, parts.isEmpty()));
        return this;
    }

    /** Whether the MBR's boot code area holds code (a boot loader for legacy BIOS); default true. */
    public DiskBuilder bootCode(boolean present) {
        this.bootCode = present;
        return this;
    }

    public SparseImage build() {
        SparseImage image = new SparseImage(size);
        byte[] mbr = new byte[SECTOR];
        if (bootCode) {
            byte[] code = "\u00EB\u0063\u0090GRUB boot loader stage 1".getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(code, 0, mbr, 0, code.length);
        }
        ByteBuffer m = ByteBuffer.wrap(mbr).order(ByteOrder.LITTLE_ENDIAN);
        if (gpt) {
            mbrEntry(m, 0, 0xEE, false, 1, Math.min(size / SECTOR - 1, 0xFFFFFFFFL));
        } else {
            for (int i = 0; i < Math.min(4, parts.size()); i++) {
                Part p = parts.get(i);
                mbrEntry(m, i, Integer.decode(p.type()), p.active(), p.offset() / SECTOR, p.size() / SECTOR);
            }
        }
        mbr[510] = 0x55;
        mbr[511] = (byte) 0xAA;
        image.write(0, mbr);
        if (gpt) writeGpt(image);
        for (Part p : parts) {
            if (p.content() != null) image.write(p.offset(), p.content());
            else p.fs().writeTo(image, p.offset(), p.size());
        }
        return image;
    }

    private static void mbrEntry(ByteBuffer m, int index, int type, boolean active, long start, long sectors) {
        int e = 446 + 16 * index;
        m.put(e, (byte) (active ? 0x80 : 0));
        m.put(e + 4, (byte) type);
        m.putInt(e + 8, (int) start);
        m.putInt(e + 12, (int) sectors);
    }

    private void writeGpt(SparseImage image) {
        long lastLba = size / SECTOR - 1;
        byte[] entries = new byte[GPT_ENTRIES * 128];
        ByteBuffer e = ByteBuffer.wrap(entries).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            int at = i * 128;
            e.put(at, guid(p.type()));
            e.put(at + 16, guid(UUID.nameUUIDFromBytes(("partition " + i).getBytes(StandardCharsets.US_ASCII)).toString()));
            e.putLong(at + 32, p.offset() / SECTOR);
            e.putLong(at + 40, (p.offset() + p.size()) / SECTOR - 1);
            byte[] name = ("part" + (i + 1)).getBytes(StandardCharsets.UTF_16LE);
            e.put(at + 56, name);
        }
        long entriesSectors = entries.length / SECTOR;
        image.write(SECTOR, gptHeader(1, lastLba, 2, entries, lastLba));
        image.write(2L * SECTOR, entries);
        image.write((lastLba - entriesSectors) * SECTOR, entries);
        image.write(lastLba * SECTOR, gptHeader(lastLba, 1, lastLba - entriesSectors, entries, lastLba));
    }

    private static byte[] gptHeader(long myLba, long alternateLba, long entriesLba, byte[] entries, long lastLba) {
        ByteBuffer h = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        h.put(0, "EFI PART".getBytes(StandardCharsets.US_ASCII));
        h.putInt(8, 0x00010000);
        h.putInt(12, 92);
        h.putLong(24, myLba);
        h.putLong(32, alternateLba);
        h.putLong(40, 34);
        h.putLong(48, lastLba - 33);
        h.put(56, guid("5A6B7C8D-1234-4321-ABCD-0123456789AB"));
        h.putLong(72, entriesLba);
        h.putInt(80, GPT_ENTRIES);
        h.putInt(84, 128);
        h.putInt(88, (int) crc32(entries, entries.length));
        h.putInt(16, (int) crc32(h.array(), 92));
        return h.array();
    }

    static long crc32(byte[] data, int length) {
        CRC32 crc = new CRC32();
        crc.update(data, 0, length);
        return crc.getValue();
    }

    /** A GUID in the mixed-endian byte order GPT stores it in. */
    static byte[] guid(String text) {
        UUID u = UUID.fromString(text);
        ByteBuffer b = ByteBuffer.allocate(16);
        long hi = u.getMostSignificantBits();
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) (hi >>> 32)).putShort(4, (short) (hi >>> 16)).putShort(6, (short) hi);
        b.order(ByteOrder.BIG_ENDIAN).putLong(8, u.getLeastSignificantBits());
        return b.array();
    }
}
