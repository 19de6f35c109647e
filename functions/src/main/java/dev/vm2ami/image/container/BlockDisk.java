package dev.vm2ami.image.container;

import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.MalformedImageException;
import dev.vm2ami.image.read.ByteSource;

import java.io.Closeable;
import java.io.IOException;

/**
 * The disk inside a qcow2, VDI or hosted VMDK, as the guest sees it, read block by block into the
 * caller's buffer (so a conversion allocates nothing per block) and saying which blocks are known
 * zeros. It is also a {@link VirtualDisk}, so the pre-flight reads the partitions inside it.
 */
public interface BlockDisk extends VirtualDisk, Closeable {
    /** The size of the virtual disk in bytes. */
    long size();

    /**
     * Fills {@code out[at, at + len)} with the disk's bytes at {@code offset} (the range lies within the
     * disk). Returns false when the whole range is known to read as zeros without reading any data
     * (unallocated or zero clusters), so a writer can skip it; {@code out} is zero-filled then too.
     */
    boolean read(long offset, byte[] out, int at, int len) throws IOException, ConversionException;

    /** The inspection's view: a fresh array; what stops the read is a {@link MalformedImageException} with its finding. */
    @Override
    default byte[] read(long offset, int length) throws IOException, MalformedImageException {
        if (offset < 0 || offset >= size() || length <= 0) return new byte[0];
        byte[] out = new byte[(int) Math.min(length, size() - offset)];
        try {
            read(offset, out, 0, out.length);
        } catch (ConversionException e) {
            throw new MalformedImageException(e.finding());
        }
        return out;
    }

    /**
     * Checks, without reading the data, that what the image's tables point at lies within its file,
     * as a cut-off upload does not: a few tables at most ({@code maxTables}, those nearest the end of
     * the file first, since a cut-off file loses its end). Throws the finding (IMAGE_TRUNCATED...).
     */
    default void checkWithinFile(int maxTables) throws IOException, ConversionException {}

    @Override
    default void close() throws IOException {}

    /** The stored image is the disk. */
    static BlockDisk raw(ByteSource source) {
        return new BlockDisk() {
            @Override
            public long size() {
                return source.size();
            }

            @Override
            public boolean read(long offset, byte[] out, int at, int len) throws IOException, ConversionException {
                Reads.fully(source, offset, out, at, len, "the disk's data");
                return true;
            }
        };
    }
}
