package dev.vm2ami.image.read;

import java.io.IOException;
import java.util.Arrays;

/**
 * What the file-system and volume readers read from: a disk, a partition, a logical volume or a
 * file, as a size and random reads. Reads past the end return fewer bytes, never an exception;
 * {@link #readFully} is the checked form for structures that must be whole.
 */
public interface BlockDevice {
    long size();

    /**
     * Up to {@code length} bytes at {@code offset}; fewer only at the end, none past it. A device
     * that is itself a structure (a file's extents, a logical volume's segments) throws
     * {@link StructureException} when that structure is damaged.
     */
    byte[] read(long offset, int length) throws IOException, StructureException;

    /** Exactly {@code length} bytes at {@code offset}, or a {@link StructureException} naming {@code what}. */
    default byte[] readFully(long offset, int length, String what) throws IOException, StructureException {
        if (offset < 0 || length < 0 || offset > size() - length) {
            throw StructureException.corrupt(what + " lies at bytes " + offset + "+" + length + ", outside the "
                    + size() + " bytes of " + this);
        }
        byte[] data = read(offset, length);
        if (data.length != length) {
            throw StructureException.corrupt("reading " + what + " at byte " + offset + " returned " + data.length
                    + " of " + length + " bytes");
        }
        return data;
    }

    /** The window {@code [offset, offset + length)} of this device, clipped to its end. */
    default BlockDevice slice(long offset, long length) {
        return Slice.of(this, offset, length);
    }

    /** A device over bytes in memory (a file already read, a test structure). */
    static BlockDevice of(byte[] bytes) {
        byte[] data = bytes.clone();
        return new BlockDevice() {
            @Override
            public long size() {
                return data.length;
            }

            @Override
            public byte[] read(long offset, int length) {
                if (offset < 0 || offset >= data.length || length <= 0) return new byte[0];
                return Arrays.copyOfRange(data, (int) offset, (int) Math.min(data.length, offset + length));
            }

            @Override
            public String toString() {
                return "a " + data.length + "-byte buffer";
            }
        };
    }

    /** A window onto another device; windows of windows collapse into one. */
    record Slice(BlockDevice parent, long start, long size) implements BlockDevice {
        static Slice of(BlockDevice device, long offset, long length) {
            long from = Math.min(Math.max(0, offset), device.size());
            long len = Math.min(Math.max(0, length), device.size() - from);
            if (device instanceof Slice s) return new Slice(s.parent, s.start + from, len);
            return new Slice(device, from, len);
        }

        @Override
        public byte[] read(long offset, int length) throws IOException, StructureException {
            if (offset < 0 || offset >= size || length <= 0) return new byte[0];
            int n = (int) Math.min(length, size - offset);
            byte[] data = parent.read(start + offset, n);
            return data.length <= n ? data : Arrays.copyOf(data, n);
        }

        @Override
        public String toString() {
            return "bytes " + start + "+" + size + " of " + parent;
        }
    }
}
