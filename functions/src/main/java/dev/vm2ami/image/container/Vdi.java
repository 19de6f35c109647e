package dev.vm2ami.image.container;

import dev.vm2ami.image.read.Bytes;
import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.read.ByteSource;

import java.io.IOException;
import java.util.Arrays;

/**
 * VirtualBox's VDI (header version 1.1): a block map of 32-bit entries, one per block (1 MiB by
 * default), pointing at blocks in the data area; dynamic images leave blocks unallocated (or
 * discarded: zeros), fixed ones allocate all of them. Differencing and undo images depend on a
 * parent and are refused.
 */
public final class Vdi implements BlockDisk {
    static final long SIGNATURE = 0xBEDA107FL;
    private static final long VERSION_1_1 = 0x00010001L;
    private static final long FREE = 0xFFFFFFFFL;
    private static final long DISCARDED = 0xFFFFFFFEL;
    private static final int HEADER_END = 456;

    /** What the header says. */
    public record Header(String type, long size, long mapOffset, long dataOffset, int blockSize, int blockExtra,
                         long blocks, long allocated) {
        public String describe() {
            return "VDI (" + type + ")";
        }
    }

    private final ByteSource source;
    private final Header header;
    private final TablePages map;

    private Vdi(ByteSource source, Header header) {
        this.source = source;
        this.header = header;
        this.map = new TablePages(source, 64 * 1024, 2);
    }

    static boolean is(byte[] head) {
        return head.length >= 68 && Bytes.u32le(head, 64) == SIGNATURE;
    }

    public static Vdi open(ByteSource source) throws IOException, ConversionException {
        return new Vdi(source, header(source));
    }

    public static Header header(ByteSource source) throws IOException, ConversionException {
        byte[] h = new byte[HEADER_END];
        int got = source.read(0, h, 0, h.length);
        if (got < 68 || !is(h)) throw Reads.truncated("the VDI header", 0, HEADER_END, source.size());
        long version = Bytes.u32le(h, 68);
        if (version != VERSION_1_1) {
            throw new ConversionException(FindingCode.VDI_CORRUPT, "its header version is " + (version >>> 16) + "." + (version & 0xFFFF)
                    + "; vm2ami reads version 1.1, which VirtualBox has written since 2008");
        }
        if (got < HEADER_END) throw Reads.truncated("the VDI header", 0, HEADER_END, source.size());
        long type = Bytes.u32le(h, 76);
        String name = switch ((int) type) {
            case 1 -> "dynamic";
            case 2 -> "fixed";
            case 3 -> "undo";
            case 4 -> "differencing";
            default -> throw new ConversionException(FindingCode.VDI_CORRUPT, "its image type is " + type);
        };
        if (type == 3 || type == 4) throw new ConversionException(FindingCode.VDI_DIFFERENCING, name);
        long mapOffset = Bytes.u32le(h, 340);
        long dataOffset = Bytes.u32le(h, 344);
        long sectorSize = Bytes.u32le(h, 360);
        long size = Bytes.u64le(h, 368);
        long blockSize = Bytes.u32le(h, 376);
        long blockExtra = Bytes.u32le(h, 380);
        long blocks = Bytes.u32le(h, 384);
        long allocated = Bytes.u32le(h, 388);
        if (sectorSize != 512) throw new ConversionException(FindingCode.VDI_CORRUPT, "its sector size is " + sectorSize + " bytes");
        if (blockSize < 512 || blockSize > (64 << 20) || Long.bitCount(blockSize) != 1) {
            throw new ConversionException(FindingCode.VDI_CORRUPT, "its block size is " + blockSize + " bytes");
        }
        if (blockExtra > (1 << 20)) throw new ConversionException(FindingCode.VDI_CORRUPT, "its blocks carry " + blockExtra + " extra bytes");
        if (size < 0 || size > blocks * blockSize) {
            throw new ConversionException(FindingCode.VDI_CORRUPT, "its " + blocks + " blocks of " + blockSize + " bytes cannot hold a disk of " + size + " bytes");
        }
        if (allocated > blocks) throw new ConversionException(FindingCode.VDI_CORRUPT, "it says " + allocated + " of " + blocks + " blocks are allocated");
        if (mapOffset < HEADER_END - 64 || mapOffset > source.size() - blocks * 4) {
            throw Reads.truncated("the VDI block map", mapOffset, blocks * 4, source.size());
        }
        return new Header(name, size, mapOffset, dataOffset, (int) blockSize, (int) blockExtra, blocks, allocated);
    }

    public Header header() {
        return header;
    }

    @Override
    public long size() {
        return header.size();
    }

    /** The whole block map (up to 16 MiB of it: a 4 TiB disk): the furthest block lies within the file. */
    @Override
    public void checkWithinFile(int maxTables) throws IOException, ConversionException {
        long furthest = -1;
        for (long b = 0; b < Math.min(header.blocks(), 4L << 20); b++) {
            long entry = map.u32le(header.mapOffset() + b * 4);
            if (entry == FREE || entry == DISCARDED) continue;
            if (entry >= header.allocated()) {
                throw new ConversionException(FindingCode.VDI_CORRUPT, "block " + b + " points at data block " + entry + " of "
                        + header.allocated() + " allocated");
            }
            furthest = Math.max(furthest, entry);
        }
        if (furthest < 0) return;
        long stride = (long) header.blockSize() + header.blockExtra();
        long end = header.dataOffset() + (furthest + 1) * stride;
        if (end > source.size()) throw Reads.truncated("data block " + furthest, end - stride, stride, source.size());
    }

    @Override
    public boolean read(long offset, byte[] out, int at, int len) throws IOException, ConversionException {
        boolean data = false;
        int done = 0;
        int blockSize = header.blockSize();
        while (done < len) {
            long pos = offset + done;
            long block = pos / blockSize;
            int within = (int) (pos % blockSize);
            int n = Math.min(len - done, blockSize - within);
            long entry = map.u32le(header.mapOffset() + block * 4);
            if (entry == FREE || entry == DISCARDED) {
                Arrays.fill(out, at + done, at + done + n, (byte) 0);
            } else {
                if (entry >= header.allocated()) {
                    throw new ConversionException(FindingCode.VDI_CORRUPT, "block " + block + " points at data block " + entry + " of "
                            + header.allocated() + " allocated");
                }
                long host = header.dataOffset() + entry * ((long) blockSize + header.blockExtra()) + header.blockExtra();
                Reads.fully(source, host + within, out, at + done, n, "data block " + entry);
                data = true;
            }
            done += n;
        }
        return data;
    }
}
