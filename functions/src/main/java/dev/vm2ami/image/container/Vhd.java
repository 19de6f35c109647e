package dev.vm2ami.image.container;

import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.MalformedImageException;
import dev.vm2ami.image.read.Bytes;
import dev.vm2ami.image.read.Region;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Microsoft's VHD: a 512-byte "conectix" footer at the end (511 bytes before 2004). Fixed disks are
 * the raw disk before the footer; dynamic disks map 2 MiB blocks through the block allocation
 * table; differencing disks need their parent, which EC2 never has.
 */
public final class Vhd {
    private static final int FIXED = 2;
    private static final int DYNAMIC = 3;
    private static final int DIFFERENCING = 4;
    private static final long UNALLOCATED = 0xFFFFFFFFL;

    private Vhd() {}

    public static Container open(Region image) throws IOException {
        try {
            return read(image);
        } catch (MalformedImageException e) {
            return Container.broken("", e.finding());
        }
    }

    private static Container read(Region image) throws IOException, MalformedImageException {
        long length = image.length();
        byte[] footer = image.read(length - 512, 512);
        long footerAt = length - 512;
        if (!Bytes.has(footer, 0, "conectix")) {
            footer = Arrays.copyOf(image.read(length - 511, 511), 512);
            footerAt = length - 511;
        }
        long stored = Bytes.u32be(footer, 64);
        long computed = checksum(footer, 64);
        if (stored != computed) {
            return Container.broken("", FindingCode.VHD_CORRUPT.finding(String.format(
                    "its footer's checksum is %08x but the footer's bytes give %08x", stored, computed)));
        }
        long diskType = Bytes.u32be(footer, 60);
        long size = Bytes.u64be(footer, 48);
        if (size < 0) return Container.broken("", FindingCode.VHD_CORRUPT.finding("its footer gives a negative disk size"));
        if (diskType == FIXED) {
            if (size > footerAt) {
                return new Container("fixed", size, Optional.empty(), List.of(FindingCode.IMAGE_TRUNCATED.finding(
                        "the fixed VHD's footer says the disk is " + size + " bytes, but only " + footerAt + " bytes precede the footer")));
            }
            return new Container("fixed", size, Optional.of(VirtualDisk.raw(image.slice(0, size))), List.of());
        }
        if (diskType == DIFFERENCING) {
            return new Container("differencing", size, Optional.empty(), List.of(FindingCode.VHD_DIFFERENCING.finding("VHD")));
        }
        if (diskType != DYNAMIC) {
            return Container.broken("", FindingCode.VHD_CORRUPT.finding("its footer gives disk type " + diskType
                    + " (2 fixed, 3 dynamic, 4 differencing)"));
        }
        byte[] copy = image.read(0, 512);
        if (!Arrays.equals(copy, footer)) {
            return Container.broken("dynamic", FindingCode.VHD_CORRUPT.finding(
                    "the copy of the footer at the start differs from the footer at the end (EC2: 'Footers not identical')"));
        }
        long headerAt = Bytes.u64be(footer, 16);
        byte[] header = image.readFully(headerAt, 1024, "the dynamic disk header");
        if (!Bytes.has(header, 0, "cxsparse")) {
            return Container.broken("dynamic", FindingCode.VHD_CORRUPT.finding("there is no dynamic disk header (\"cxsparse\") at byte " + headerAt));
        }
        long headerStored = Bytes.u32be(header, 36);
        long headerComputed = checksum(header, 36);
        if (headerStored != headerComputed) {
            return Container.broken("dynamic", FindingCode.VHD_CORRUPT.finding(String.format(
                    "its dynamic disk header's checksum is %08x but the header's bytes give %08x", headerStored, headerComputed)));
        }
        long batAt = Bytes.u64be(header, 16);
        long entries = Bytes.u32be(header, 28);
        long blockSize = Bytes.u32be(header, 32);
        if (blockSize < 512 || blockSize > (256 << 20) || Long.bitCount(blockSize) != 1) {
            return Container.broken("dynamic", FindingCode.VHD_CORRUPT.finding("its block size is " + blockSize + " bytes"));
        }
        if (batAt < 0 || batAt >= length) {
            return Container.broken("dynamic", FindingCode.IMAGE_TRUNCATED.finding(
                    "the block allocation table is at byte " + batAt + " but the image ends at byte " + length));
        }
        return new Container("dynamic", size, Optional.of(new BlockDisk(image, size, (int) blockSize, batAt, entries)), List.of());
    }

    /** One's complement of the byte sum, the checksum field counted as zeros. */
    private static long checksum(byte[] data, int checksumAt) {
        long sum = 0;
        for (int i = 0; i < data.length; i++) if (i < checksumAt || i >= checksumAt + 4) sum += data[i] & 0xFF;
        return ~sum & 0xFFFFFFFFL;
    }

    private record BlockDisk(Region image, long size, int blockSize, long batAt, long entries) implements VirtualDisk {
        @Override
        public byte[] read(long offset, int length) throws IOException, MalformedImageException {
            int bitmapBytes = ((blockSize / 512 / 8) + 511) / 512 * 512;
            return VirtualDisk.readBlocks(size, blockSize, offset, length, (block, within, out, at, n) -> {
                if (block >= entries) return;
                long sector = Bytes.u32be(image.readFully(batAt + block * 4, 4, "a block allocation table entry"), 0);
                if (sector != UNALLOCATED) {
                    System.arraycopy(image.readFully(sector * 512 + bitmapBytes + within, n, "a data block"), 0, out, at, n);
                }
            });
        }
    }
}
