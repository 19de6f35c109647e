package dev.vm2ami.image.container;

import dev.vm2ami.image.finding.MalformedImageException;
import dev.vm2ami.image.read.Region;

import java.io.IOException;

/**
 * The disk a container holds, as the guest sees it: byte offsets in the virtual disk, unallocated
 * areas read as zeros. Raw images are their own virtual disk; VMDK, VHD and VHDX map through their
 * grain tables, block allocation tables and BATs.
 */
public interface VirtualDisk {
    /** The size of the disk the guest sees (what EC2's size limits apply to). */
    long size();

    /** The logical sector size partition tables count in (512, or 4096 for some VHDX). */
    default int sectorSize() {
        return 512;
    }

    /** Up to {@code length} bytes at {@code offset} of the virtual disk; fewer only at its end. */
    byte[] read(long offset, int length) throws IOException, MalformedImageException;

    /** A raw image: the file is the disk. */
    static VirtualDisk raw(Region region) {
        return new VirtualDisk() {
            @Override
            public long size() {
                return region.length();
            }

            @Override
            public byte[] read(long offset, int length) throws IOException {
                return region.read(offset, length);
            }
        };
    }

    /** Copies the part {@code [within, within + n)} of block {@code block} into {@code out} at {@code at}; leaves zeros when unallocated. */
    @FunctionalInterface
    interface BlockCopy {
        void copy(long block, int within, byte[] out, int at, int n) throws IOException, MalformedImageException;
    }

    /**
     * A read of a disk stored in fixed-size blocks (VMDK grains, VHD blocks, VHDX payload blocks):
     * splits the range at block boundaries and lets {@code blocks} fill each piece.
     */
    static byte[] readBlocks(long size, int blockSize, long offset, int length, BlockCopy blocks)
            throws IOException, MalformedImageException {
        if (offset < 0 || offset >= size || length <= 0) return new byte[0];
        byte[] out = new byte[(int) Math.min(length, size - offset)];
        int done = 0;
        while (done < out.length) {
            long at = offset + done;
            int within = (int) (at % blockSize);
            int n = Math.min(out.length - done, blockSize - within);
            blocks.copy(at / blockSize, within, out, done, n);
            done += n;
        }
        return out;
    }
}
