package dev.vm2ami.image.container;

import dev.vm2ami.image.read.Bytes;
import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.read.ByteSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A VMware hosted sparse extent ({@code KDMV}: monolithicSparse, each extent of
 * twoGbMaxExtentSparse, and streamOptimized): grain directory, grain tables, grains, the
 * redundant grain directory when the primary one lies outside the file, deflated grains behind
 * their 12-byte marker when the extent is compressed.
 */
public final class SparseExtent implements BlockDisk {
    static final byte[] MAGIC = {'K', 'D', 'M', 'V'};
    public static final long GD_AT_END = -1L;
    private static final long FLAG_RGD = 1 << 1;
    private static final long FLAG_COMPRESSED = 1 << 16;
    private static final int MAX_DESCRIPTOR = 64 * 1024;

    /** What the header says, and the embedded descriptor's text (empty for an extent of a split disk). */
    public record Header(long flags, long capacitySectors, int grainSectors, int gtes, long gdSector, long rgdSector,
                         int compression, String descriptor) {
        boolean compressed() {
            return (flags & FLAG_COMPRESSED) != 0;
        }
    }

    private final ByteSource source;
    private final Header header;
    private final long gdSector;
    private final int grainBytes;
    private final TablePages gd;
    private final TablePages gt;
    private final byte[] grain;
    private final byte[] deflated;
    private long cachedGrain = -1;
    private Inflater inflater;

    private SparseExtent(ByteSource source, Header header, long gdSector) {
        this.source = source;
        this.header = header;
        this.gdSector = gdSector;
        this.grainBytes = header.grainSectors() * 512;
        this.gd = new TablePages(source, 64 * 1024, 2);
        this.gt = new TablePages(source, 64 * 1024, 4);
        this.grain = header.compressed() ? new byte[grainBytes] : null;
        this.deflated = header.compressed() ? new byte[grainBytes + grainBytes / 8 + 1024] : null;
    }

    static boolean is(byte[] head) {
        return head.length >= 4 && Arrays.equals(head, 0, 4, MAGIC, 0, 4);
    }

    public static Header header(ByteSource source) throws IOException, ConversionException {
        byte[] h = new byte[512];
        int got = source.read(0, h, 0, h.length);
        if (got < 80 || !is(h)) throw Reads.truncated("the VMDK header", 0, 512, source.size());
        long version = Bytes.u32le(h, 4);
        long flags = Bytes.u32le(h, 8);
        long capacity = Bytes.u64le(h, 12);
        long grainSectors = Bytes.u64le(h, 20);
        long descOffset = Bytes.u64le(h, 28);
        long descSize = Bytes.u64le(h, 36);
        long gtes = Bytes.u32le(h, 44);
        long rgd = Bytes.u64le(h, 48);
        long gdSector = Bytes.u64le(h, 56);
        int compression = Bytes.u16le(h, 77);
        if (version < 1 || version > 3) throw corrupt("its sparse extent header has version " + version);
        if (capacity <= 0 || capacity > (1L << 40)) throw corrupt("its header claims " + capacity + " sectors");
        if (grainSectors < 1 || grainSectors > 2048 || Long.bitCount(grainSectors) != 1) {
            throw corrupt("its grain size is " + grainSectors + " sectors");
        }
        if (gtes < 1 || gtes > 65536) throw corrupt("its grain tables have " + gtes + " entries");
        if ((flags & FLAG_COMPRESSED) != 0 && compression != 1) {
            throw new ConversionException(FindingCode.VMDK_UNSUPPORTED_COMPRESSION, String.valueOf(compression));
        }
        String descriptor = "";
        if (descOffset > 0 && descSize > 0) {
            int n = (int) Math.min(descSize * 512, MAX_DESCRIPTOR);
            byte[] d = new byte[n];
            int k = descOffset < source.size() / 512 ? source.read(descOffset * 512, d, 0, n) : 0;
            descriptor = new String(d, 0, Math.max(0, k), StandardCharsets.ISO_8859_1).replace("\0", "");
        }
        return new Header(flags, capacity, (int) grainSectors, (int) gtes, gdSector, rgd, compression, descriptor);
    }

    /** Opens the extent's grain directory (the footer's, for a stream-optimized extent written front to back). */
    public static SparseExtent open(ByteSource source) throws IOException, ConversionException {
        Header header = header(source);
        long tables = (header.capacitySectors() + (long) header.grainSectors() * header.gtes() - 1) / ((long) header.grainSectors() * header.gtes());
        long gd = header.gdSector();
        if (gd == GD_AT_END) {
            byte[] footer = new byte[512];
            if (source.size() < 1536 || source.read(source.size() - 1024, footer, 0, 512) < 512 || !is(footer)) {
                throw new ConversionException(FindingCode.IMAGE_TRUNCATED,
                        "the stream-optimized VMDK's footer, which holds where its grain directory is, is not in its last 1024 bytes");
            }
            gd = Bytes.u64le(footer, 56);
        }
        if (!within(source, gd, tables) && (header.flags() & FLAG_RGD) != 0 && within(source, header.rgdSector(), tables)) {
            gd = header.rgdSector(); // the primary directory is gone; the redundant one says the same
        }
        if (gd == 0) throw corrupt("its header gives no grain directory (sector 0)");
        if (!within(source, gd, tables)) throw Reads.truncated("the grain directory", gd * 512, tables * 4, source.size());
        return new SparseExtent(source, header, gd);
    }

    private static boolean within(ByteSource source, long sector, long tables) {
        return sector > 0 && sector < (1L << 40) && sector * 512 <= source.size() - tables * 4;
    }

    public Header header() {
        return header;
    }

    /** Every grain directory entry (up to a million), then the grain tables furthest into the file and their grains. */
    @Override
    public void checkWithinFile(int maxTables) throws IOException, ConversionException {
        long tables = (header.capacitySectors() + (long) header.grainSectors() * header.gtes() - 1)
                / ((long) header.grainSectors() * header.gtes());
        long tableBytes = header.gtes() * 4L;
        long[] furthest = Tables.furthest(tables, 1 << 20, maxTables, i -> {
            long sector = gd.u32le(gdSector * 512 + i * 4);
            if (sector <= 1) return 0;
            if (sector * 512 > source.size() - tableBytes) throw Reads.truncated("grain table " + i, sector * 512, tableBytes, source.size());
            return sector * 512;
        });
        long grainEnd = header.compressed() ? 12 : grainBytes;
        for (long table : furthest) {
            for (int e = 0; e < header.gtes(); e++) {
                long sector = gt.u32le(table + e * 4L);
                if (sector > 1 && sector * 512 > source.size() - grainEnd) throw Reads.truncated("a grain", sector * 512, grainEnd, source.size());
            }
        }
    }

    @Override
    public long size() {
        return header.capacitySectors() * 512;
    }

    @Override
    public boolean read(long offset, byte[] out, int at, int len) throws IOException, ConversionException {
        boolean data = false;
        int done = 0;
        while (done < len) {
            long pos = offset + done;
            long index = pos / grainBytes;
            int within = (int) (pos % grainBytes);
            int n = Math.min(len - done, grainBytes - within);
            data |= grain(index, within, out, at + done, n);
            done += n;
        }
        return data;
    }

    private boolean grain(long index, int within, byte[] out, int at, int n) throws IOException, ConversionException {
        long table = gd.u32le(gdSector * 512 + index / header.gtes() * 4);
        long sector = 0;
        if (table > 1) {
            long entry = table * 512 + index % header.gtes() * 4;
            if (entry > source.size() - 4) throw Reads.truncated("grain table " + index / header.gtes(), table * 512, header.gtes() * 4L, source.size());
            sector = gt.u32le(entry);
        }
        if (sector <= 1) { // 0: never written; 1: a zeroed grain
            Arrays.fill(out, at, at + n, (byte) 0);
            return false;
        }
        if (!header.compressed()) {
            Reads.fully(source, sector * 512 + within, out, at, n, "grain " + index);
            return true;
        }
        inflated(index, sector);
        System.arraycopy(grain, within, out, at, n);
        return true;
    }

    private void inflated(long index, long sector) throws IOException, ConversionException {
        if (cachedGrain == index) return;
        byte[] marker = new byte[12];
        Reads.fully(source, sector * 512, marker, 0, 12, "the marker of grain " + index);
        long lba = Bytes.u64le(marker, 0);
        long length = Bytes.u32le(marker, 8);
        if (lba != index * header.grainSectors()) throw corrupt("the grain table points grain " + index + " at the grain for sector " + lba);
        if (length == 0 || length > deflated.length) throw corrupt("grain " + index + " says it is " + length + " bytes compressed");
        Reads.fully(source, sector * 512 + 12, deflated, 0, (int) length, "compressed grain " + index);
        if (inflater == null) inflater = new Inflater();
        inflater.reset();
        inflater.setInput(deflated, 0, (int) length);
        int produced = 0;
        try {
            while (produced < grainBytes) {
                int k = inflater.inflate(grain, produced, grainBytes - produced);
                if (k == 0) break;
                produced += k;
            }
        } catch (DataFormatException e) {
            throw corrupt("grain " + index + " does not inflate (" + e.getMessage() + ")");
        }
        long needed = Math.min(grainBytes, size() - index * grainBytes);
        if (produced < needed) throw corrupt("grain " + index + " inflates to " + produced + " bytes instead of " + needed);
        Arrays.fill(grain, produced, grainBytes, (byte) 0);
        cachedGrain = index;
    }

    private static ConversionException corrupt(String detail) {
        return new ConversionException(FindingCode.VMDK_CORRUPT, detail);
    }

    @Override
    public void close() {
        if (inflater != null) inflater.end();
    }
}
