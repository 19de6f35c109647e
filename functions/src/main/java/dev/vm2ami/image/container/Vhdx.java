package dev.vm2ami.image.container;

import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.MalformedImageException;
import dev.vm2ami.image.read.Bytes;
import dev.vm2ami.image.read.Region;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Microsoft's VHDX: two headers (64 and 128 KiB) and two region tables (192 and 256 KiB), each
 * with a CRC-32C; the metadata region gives block size, disk size and sector size, and the BAT maps
 * payload blocks (with a sector-bitmap entry after every chunk of them).
 */
public final class Vhdx {
    static final String BAT_GUID = "2DC27766-F623-4200-9D64-115E9BFD4A08";
    static final String METADATA_GUID = "8B7CA206-4790-4B9A-B8FE-575F050F886E";
    static final String FILE_PARAMETERS_GUID = "CAA16737-FA36-4D43-B3B6-33F0AA44E76B";
    static final String VIRTUAL_DISK_SIZE_GUID = "2FA54224-CD1B-4876-B211-5DBED83BF4B8";
    static final String LOGICAL_SECTOR_SIZE_GUID = "8141BF1D-A96F-4709-BA47-F233A8FAAB5F";
    private static final int KIB64 = 64 * 1024;
    private static final int MAX_ENTRIES = 2047;
    private static final long MIB = 1024 * 1024;

    private Vhdx() {}

    public static Container open(Region image) throws IOException {
        try {
            return read(image);
        } catch (MalformedImageException e) {
            return Container.broken("", e.finding());
        }
    }

    private static Container read(Region image) throws IOException, MalformedImageException {
        List<Finding> findings = new ArrayList<>();
        image.read(0, 256 * 1024); // identifier, both headers and the first region table: one request through the cache
        byte[] header = currentHeader(image);
        if (!Bytes.allZero(header, 48, 64)) findings.add(FindingCode.VHDX_LOG_PENDING.finding());

        byte[] regions = regionTable(image, 192 * 1024);
        if (regions == null) regions = regionTable(image, 256 * 1024);
        if (regions == null) throw new MalformedImageException(FindingCode.VHDX_CORRUPT, "neither region table has a valid CRC-32C");
        long batAt = -1;
        long metadataAt = -1;
        long metadataLength = 0;
        long count = Math.min(Bytes.u32le(regions, 8), MAX_ENTRIES);
        for (int i = 0; i < count; i++) {
            int e = 16 + i * 32;
            String id = Bytes.guid(regions, e);
            if (id.equals(BAT_GUID)) batAt = Bytes.u64le(regions, e + 16);
            if (id.equals(METADATA_GUID)) {
                metadataAt = Bytes.u64le(regions, e + 16);
                metadataLength = Bytes.u32le(regions, e + 24);
            }
        }
        if (batAt <= 0 || metadataAt <= 0) {
            throw new MalformedImageException(FindingCode.VHDX_CORRUPT, "its region table has no " + (batAt <= 0 ? "BAT" : "metadata") + " region");
        }
        byte[] table = image.readFully(metadataAt, KIB64, "the metadata table");
        if (!Bytes.has(table, 0, "metadata")) {
            throw new MalformedImageException(FindingCode.VHDX_CORRUPT, "there is no metadata table at byte " + metadataAt);
        }
        long blockSize = -1;
        long flags = 0;
        long size = -1;
        long sectorSize = 512;
        int entries = Math.min(Bytes.u16le(table, 10), MAX_ENTRIES);
        for (int i = 0; i < entries; i++) {
            int e = 32 + i * 32;
            String id = Bytes.guid(table, e);
            long at = Bytes.u32le(table, e + 16);
            if (at >= metadataLength) continue;
            if (id.equals(FILE_PARAMETERS_GUID)) {
                byte[] v = image.readFully(metadataAt + at, 8, "the file parameters");
                blockSize = Bytes.u32le(v, 0);
                flags = Bytes.u32le(v, 4);
            } else if (id.equals(VIRTUAL_DISK_SIZE_GUID)) {
                size = Bytes.u64le(image.readFully(metadataAt + at, 8, "the virtual disk size"), 0);
            } else if (id.equals(LOGICAL_SECTOR_SIZE_GUID)) {
                sectorSize = Bytes.u32le(image.readFully(metadataAt + at, 4, "the logical sector size"), 0);
            }
        }
        if ((flags & 2) != 0) {
            findings.add(FindingCode.VHD_DIFFERENCING.finding("VHDX"));
            return new Container("differencing", Math.max(size, 0), Optional.empty(), findings);
        }
        if (blockSize < MIB || blockSize > 256 * MIB || Long.bitCount(blockSize) != 1) {
            throw new MalformedImageException(FindingCode.VHDX_CORRUPT, "its block size is " + blockSize + " bytes (1 MiB to 256 MiB)");
        }
        if (sectorSize != 512 && sectorSize != 4096) {
            throw new MalformedImageException(FindingCode.VHDX_CORRUPT, "its logical sector size is " + sectorSize + " bytes");
        }
        if (size < 0 || size > (1L << 50)) {
            throw new MalformedImageException(FindingCode.VHDX_CORRUPT, "its metadata gives no usable virtual disk size");
        }
        long chunkRatio = (1L << 23) * sectorSize / blockSize;
        String sub = (flags & 1) != 0 ? "fixed" : "dynamic";
        return new Container(sub, size, Optional.of(new BatDisk(image, size, (int) sectorSize, (int) blockSize, batAt, chunkRatio)), findings);
    }

    /** The valid header with the higher sequence number. */
    private static byte[] currentHeader(Region image) throws IOException, MalformedImageException {
        byte[] best = null;
        for (long at : new long[]{KIB64, 2 * KIB64}) {
            byte[] h = image.read(at, 4096);
            if (!Bytes.has(h, 0, "head") || !crcMatches(h, 4)) continue;
            if (best == null || Bytes.u64le(h, 8) > Bytes.u64le(best, 8)) best = h;
        }
        if (best == null) throw new MalformedImageException(FindingCode.VHDX_CORRUPT, "neither header (at 64 KiB and 128 KiB) has a valid CRC-32C");
        return best;
    }

    private static byte[] regionTable(Region image, long at) throws IOException {
        byte[] t = image.read(at, KIB64);
        return Bytes.has(t, 0, "regi") && crcMatches(t, 4) ? t : null;
    }

    private static boolean crcMatches(byte[] data, int crcAt) {
        long stored = Bytes.u32le(data, crcAt);
        byte[] copy = data.clone();
        copy[crcAt] = copy[crcAt + 1] = copy[crcAt + 2] = copy[crcAt + 3] = 0;
        return stored == crc32c(copy);
    }

    static long crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return crc.getValue();
    }

    private record BatDisk(Region image, long size, int sectorSize, int blockSize, long batAt, long chunkRatio) implements VirtualDisk {
        private static final int FULLY_PRESENT = 6;
        private static final int PARTIALLY_PRESENT = 7;

        @Override
        public byte[] read(long offset, int length) throws IOException, MalformedImageException {
            return VirtualDisk.readBlocks(size, blockSize, offset, length, (block, within, out, at, n) -> {
                long index = block + block / chunkRatio;
                long entry = Bytes.u64le(image.readFully(batAt + index * 8, 8, "a BAT entry"), 0);
                int state = (int) (entry & 7);
                if (state == FULLY_PRESENT || state == PARTIALLY_PRESENT) {
                    long fileOffset = (entry >>> 20) * MIB;
                    System.arraycopy(image.readFully(fileOffset + within, n, "a payload block"), 0, out, at, n);
                }
            });
        }
    }
}
