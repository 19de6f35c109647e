package dev.vm2ami.inspect;

import java.io.IOException;

/**
 * The disk a container holds, as the guest sees it: byte offsets in the virtual disk, unallocated
 * areas read as zeros. Raw images are their own virtual disk; VMDK, VHD and VHDX map through their
 * grain tables, block allocation tables and BATs.
 */
interface VirtualDisk {
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
}
