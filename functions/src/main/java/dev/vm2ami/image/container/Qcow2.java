package dev.vm2ami.image.container;

import dev.vm2ami.image.read.Bytes;
import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.read.ByteSource;

import com.github.luben.zstd.ZstdDecompressCtx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * QEMU's qcow2 (versions 2 and 3, docs/interop/qcow2.txt in QEMU): the virtual disk through the
 * active L1 and L2 tables; standard, zero and compressed clusters (zlib, or zstd when the header
 * says so); extended L2 entries with subclusters. Images that depend on something not in the file
 * (a backing file, an external data file, a key) are refused with the finding that says so.
 */
public final class Qcow2 implements BlockDisk {
    static final byte[] MAGIC = {'Q', 'F', 'I', (byte) 0xFB};
    private static final long OFFSET_MASK = 0x00FF_FFFF_FFFF_FE00L; // bits 9-55
    private static final long COMPRESSED = 1L << 62;
    private static final long KNOWN_INCOMPATIBLE = 0x1F;
    private static final int MIN_HEADER = 72;

    /** What the header says; {@link #describe()} is the "from" of a conversion. */
    public record Header(int version, int clusterBits, long size, long l1Offset, long l1Entries, boolean extendedL2,
                         boolean zstd) {
        public String describe() {
            return "qcow2 v" + version + (extendedL2 ? " (extended L2)" : "") + (zstd ? " (zstd clusters)" : "");
        }
    }

    private final ByteSource source;
    private final Header header;
    private final int clusterSize;
    private final int l2Entries;
    private final int entryBytes;
    private final TablePages l1;
    private final TablePages l2;
    private final byte[] cluster;
    private final byte[] compressed;
    private long cachedCluster = -1;
    private Inflater inflater;
    private ZstdDecompressCtx zstd;

    private Qcow2(ByteSource source, Header header) {
        this.source = source;
        this.header = header;
        this.clusterSize = 1 << header.clusterBits();
        this.entryBytes = header.extendedL2() ? 16 : 8;
        this.l2Entries = clusterSize / entryBytes;
        this.l1 = new TablePages(source, 64 * 1024, 2);
        this.l2 = new TablePages(source, clusterSize, Math.max(2, Math.min(8, (4 << 20) / clusterSize)));
        this.cluster = new byte[clusterSize];
        // A compressed cluster spans at most (cluster size / 512) sectors beyond its first one.
        this.compressed = new byte[clusterSize + 1024];
    }

    static boolean is(byte[] head) {
        return head.length >= 4 && Arrays.equals(head, 0, 4, MAGIC, 0, 4);
    }

    /** Reads and checks the header; throws the finding that stops the conversion (backing file, encryption, damage). */
    public static Qcow2 open(ByteSource source) throws IOException, ConversionException {
        return new Qcow2(source, header(source));
    }

    public static Header header(ByteSource source) throws IOException, ConversionException {
        byte[] h = new byte[112];
        int got = source.read(0, h, 0, h.length);
        if (got < MIN_HEADER || !is(h)) throw Reads.truncated("the qcow2 header", 0, MIN_HEADER, source.size());
        long version = Bytes.u32be(h, 4);
        if (version != 2 && version != 3) {
            throw new ConversionException(FindingCode.QCOW2_UNSUPPORTED_FEATURE, "version " + version + " (vm2ami reads versions 2 and 3)");
        }
        long backingOffset = Bytes.u64be(h, 8);
        long backingLength = Bytes.u32be(h, 16);
        long clusterBits = Bytes.u32be(h, 20);
        long size = Bytes.u64be(h, 24);
        long crypt = Bytes.u32be(h, 32);
        long l1Entries = Bytes.u32be(h, 36);
        long l1Offset = Bytes.u64be(h, 40);
        if (clusterBits < 9 || clusterBits > 21) {
            throw new ConversionException(FindingCode.QCOW2_CORRUPT, "its cluster size is 2^" + clusterBits + " bytes (QEMU uses 512 bytes to 2 MiB)");
        }
        if (backingOffset != 0) throw new ConversionException(FindingCode.QCOW2_BACKING_FILE, backingName(source, backingOffset, backingLength));
        if (crypt != 0) {
            throw new ConversionException(FindingCode.QCOW2_ENCRYPTED, crypt == 1 ? "AES" : crypt == 2 ? "LUKS" : "method " + crypt);
        }
        boolean extended = false;
        boolean zstd = false;
        if (version == 3) {
            if (got < 104) throw Reads.truncated("the qcow2 version 3 header", 0, 104, source.size());
            long incompatible = Bytes.u64be(h, 72);
            long headerLength = Bytes.u32be(h, 100);
            if ((incompatible & 2) != 0) {
                throw new ConversionException(FindingCode.QCOW2_CORRUPT, "QEMU marked it corrupt (the corrupt bit in its header is set)");
            }
            if ((incompatible & 4) != 0) throw new ConversionException(FindingCode.QCOW2_UNSUPPORTED_FEATURE, "an external data file");
            if ((incompatible & ~KNOWN_INCOMPATIBLE) != 0) {
                throw new ConversionException(FindingCode.QCOW2_UNSUPPORTED_FEATURE,
                        "incompatible features unknown to vm2ami (bits 0x" + Long.toHexString(incompatible & ~KNOWN_INCOMPATIBLE) + ")");
            }
            extended = (incompatible & 16) != 0;
            if ((incompatible & 8) != 0) {
                int type = headerLength > 104 && got > 104 ? h[104] & 0xFF : 0;
                if (type != 1) {
                    throw new ConversionException(FindingCode.QCOW2_UNSUPPORTED_FEATURE, "compression type " + type + " (vm2ami reads zlib and zstd)");
                }
                zstd = true;
            }
            if (extended && clusterBits < 14) {
                throw new ConversionException(FindingCode.QCOW2_CORRUPT, "it has extended L2 entries with clusters smaller than 16 KiB");
            }
        }
        if (size < 0 || size > (1L << 56)) throw new ConversionException(FindingCode.QCOW2_CORRUPT, "its header claims a disk of " + size + " bytes");
        int cluster = 1 << clusterBits;
        long perL2 = (long) cluster / (extended ? 16 : 8) * cluster;
        long needed = (size + perL2 - 1) / perL2;
        if (l1Entries < needed) {
            throw new ConversionException(FindingCode.QCOW2_CORRUPT, "its L1 table has " + l1Entries + " entries; a disk of " + size
                    + " bytes needs " + needed);
        }
        if (needed > 0 && (l1Offset % cluster != 0 || l1Offset == 0)) {
            throw new ConversionException(FindingCode.QCOW2_CORRUPT, "its L1 table offset " + l1Offset + " is not a cluster boundary");
        }
        if (needed > 0 && l1Offset > source.size() - needed * 8) throw Reads.truncated("the qcow2 L1 table", l1Offset, needed * 8, source.size());
        return new Header((int) version, (int) clusterBits, size, l1Offset, needed, extended, zstd);
    }

    private static String backingName(ByteSource source, long offset, long length) throws IOException {
        if (length <= 0 || length > 1023 || offset >= source.size()) return "(unnamed)";
        byte[] name = new byte[(int) length];
        int n = source.read(offset, name, 0, name.length);
        return new String(name, 0, Math.max(0, n), StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
    }

    public Header header() {
        return header;
    }

    /** Every L1 entry (up to a million), then the L2 tables furthest into the file and the clusters they map. */
    @Override
    public void checkWithinFile(int maxTables) throws IOException, ConversionException {
        long[] furthest = Tables.furthest(header.l1Entries(), 1 << 20, maxTables, i -> {
            long l2 = l1.u64be(header.l1Offset() + i * 8) & OFFSET_MASK;
            if (l2 == 0) return 0;
            if (l2 % clusterSize != 0) throw corrupt("L1 entry " + i + " points at unaligned offset " + l2);
            if (l2 > source.size() - clusterSize) throw Reads.truncated("L2 table " + i, l2, clusterSize, source.size());
            return l2;
        });
        int shift = 62 - (header.clusterBits() - 8);
        for (long l2Offset : furthest) {
            for (long e = 0; e < l2Entries; e++) {
                long entry = l2.u64be(l2Offset + e * entryBytes);
                if ((entry & COMPRESSED) != 0) {
                    long at = entry & ((1L << shift) - 1);
                    if (at >= source.size()) throw Reads.truncated("a compressed cluster", at, 1, source.size());
                    continue;
                }
                long host = entry & OFFSET_MASK;
                boolean mapped = header.extendedL2() ? (l2.u64be(l2Offset + e * entryBytes + 8) & 0xFFFFFFFFL) != 0 : host != 0;
                if (mapped && host > source.size() - clusterSize) throw Reads.truncated("a data cluster", host, clusterSize, source.size());
            }
        }
    }

    @Override
    public long size() {
        return header.size();
    }

    @Override
    public boolean read(long offset, byte[] out, int at, int len) throws IOException, ConversionException {
        boolean data = false;
        int done = 0;
        while (done < len) {
            long pos = offset + done;
            long index = pos >>> header.clusterBits();
            int within = (int) (pos & (clusterSize - 1));
            int n = Math.min(len - done, clusterSize - within);
            data |= cluster(index, within, out, at + done, n);
            done += n;
        }
        return data;
    }

    /** Copies part of guest cluster {@code index}; false when it reads as zeros. */
    private boolean cluster(long index, int within, byte[] out, int at, int n) throws IOException, ConversionException {
        long l1Index = index / l2Entries;
        long l1Entry = l1Index < header.l1Entries() ? l1.u64be(header.l1Offset() + l1Index * 8) : 0;
        long l2Offset = l1Entry & OFFSET_MASK;
        if (l2Offset == 0) return zeros(out, at, n);
        if (l2Offset % clusterSize != 0) throw corrupt("the L2 table for guest cluster " + index + " is at unaligned offset " + l2Offset);
        if (l2Offset > source.size() - clusterSize) throw Reads.truncated("an L2 table", l2Offset, clusterSize, source.size());
        long entryPos = l2Offset + (index % l2Entries) * entryBytes;
        long entry = l2.u64be(entryPos);
        if ((entry & COMPRESSED) != 0) {
            inflated(index, entry);
            System.arraycopy(cluster, within, out, at, n);
            return true;
        }
        long host = entry & OFFSET_MASK;
        if (header.extendedL2()) return subclusters(index, host, l2.u64be(entryPos + 8), within, out, at, n);
        if ((entry & 1) != 0 && header.version() == 3) return zeros(out, at, n);
        if (host == 0) return zeros(out, at, n);
        if (host % clusterSize != 0) throw corrupt("guest cluster " + index + " maps to unaligned offset " + host);
        Reads.fully(source, host + within, out, at, n, "data cluster " + index);
        return true;
    }

    private boolean subclusters(long index, long host, long bitmap, int within, byte[] out, int at, int n)
            throws IOException, ConversionException {
        int sub = clusterSize / 32;
        boolean data = false;
        int done = 0;
        while (done < n) {
            int s = (within + done) / sub;
            int k = Math.min(n - done, (s + 1) * sub - (within + done));
            boolean allocated = (bitmap >>> s & 1) != 0;
            if (allocated && host != 0) {
                Reads.fully(source, host + within + done, out, at + done, k, "subcluster " + s + " of data cluster " + index);
                data = true;
            } else {
                Arrays.fill(out, at + done, at + done + k, (byte) 0);
            }
            done += k;
        }
        return data;
    }

    private void inflated(long index, long entry) throws IOException, ConversionException {
        if (cachedCluster == index) return;
        int shift = 62 - (header.clusterBits() - 8);
        long hostOffset = entry & ((1L << shift) - 1);
        long sectors = (entry >>> shift & ((1L << (header.clusterBits() - 8)) - 1)) + 1;
        long length = sectors * 512 - (hostOffset & 511);
        // The last compressed cluster may end inside its final sector, which need not be in the file.
        int n = (int) Math.min(Math.min(length, compressed.length), source.size() - hostOffset);
        if (hostOffset >= source.size() || n <= 0) throw Reads.truncated("compressed cluster " + index, hostOffset, length, source.size());
        Reads.fully(source, hostOffset, compressed, 0, n, "compressed cluster " + index);
        long needed = Math.min(clusterSize, header.size() - index * clusterSize);
        int produced = header.zstd() ? unzstd(index, n) : inflate(index, n);
        if (produced < needed) {
            throw n < length ? Reads.truncated("compressed cluster " + index, hostOffset, length, source.size())
                    : corrupt("compressed cluster " + index + " decompresses to " + produced + " bytes instead of " + needed);
        }
        if (produced < clusterSize) Arrays.fill(cluster, produced, clusterSize, (byte) 0);
        cachedCluster = index;
    }

    private int inflate(long index, int n) throws ConversionException {
        if (inflater == null) inflater = new Inflater(true); // raw deflate, as QEMU writes it
        inflater.reset();
        inflater.setInput(compressed, 0, n);
        int produced = 0;
        try {
            while (produced < clusterSize) {
                int k = inflater.inflate(cluster, produced, clusterSize - produced);
                if (k == 0) {
                    if (inflater.needsDictionary()) throw corrupt("compressed cluster " + index + " needs a preset dictionary");
                    break; // finished, or out of input: the length check below tells which is wrong
                }
                produced += k;
            }
            return produced;
        } catch (DataFormatException e) {
            throw corrupt("compressed cluster " + index + " does not inflate (" + e.getMessage() + ")");
        }
    }

    private int unzstd(long index, int n) throws ConversionException {
        if (zstd == null) zstd = new ZstdDecompressCtx();
        try {
            // QEMU writes each cluster as one zstd frame; the bytes after it belong to the next cluster.
            return zstd.decompressByteArray(cluster, 0, clusterSize, compressed, 0, frameLength(index, n));
        } catch (RuntimeException e) {
            throw corrupt("compressed cluster " + index + " does not decompress (" + e.getMessage() + ")");
        }
    }

    private int frameLength(long index, int n) throws ConversionException {
        try {
            long frame = com.github.luben.zstd.Zstd.findFrameCompressedSize(compressed, 0, n);
            if (frame <= 0 || frame > n) throw corrupt("compressed cluster " + index + " is not a whole zstd frame");
            return (int) frame;
        } catch (RuntimeException e) {
            throw corrupt("compressed cluster " + index + " is not a zstd frame (" + e.getMessage() + ")");
        }
    }

    private static boolean zeros(byte[] out, int at, int n) {
        Arrays.fill(out, at, at + n, (byte) 0);
        return false;
    }

    private static ConversionException corrupt(String detail) {
        return new ConversionException(FindingCode.QCOW2_CORRUPT, detail);
    }

    @Override
    public void close() {
        if (inflater != null) inflater.end();
        if (zstd != null) zstd.close();
    }
}
