package dev.vm2ami.image.convert;

import java.io.Closeable;
import java.io.IOException;

/**
 * The disk inside an image, as the guest sees it, for conversion: byte offsets in the virtual disk,
 * parts never written read as zeros. Readers fill the caller's buffer, so a conversion allocates
 * nothing per block.
 */
public interface Disk extends Closeable {
    /** The size of the virtual disk in bytes. */
    long size();

    /**
     * Fills {@code out[at, at + len)} with the disk's bytes at {@code offset} (the range lies within the
     * disk). Returns false when the whole range is known to read as zeros without reading any data
     * (unallocated or zero clusters), so a writer can skip it; {@code out} is zero-filled then too.
     */
    boolean read(long offset, byte[] out, int at, int len) throws IOException, ConversionException;

    /**
     * Checks, without reading the data, that what the image's tables point at lies within its file,
     * as a cut-off upload does not: a few tables at most ({@code maxTables}, those nearest the end of
     * the file first, since a cut-off file loses its end). Throws the finding (IMAGE_TRUNCATED...).
     */
    default void checkWithinFile(int maxTables) throws IOException, ConversionException {}

    @Override
    default void close() throws IOException {}

    /** The stored image is the disk. */
    static Disk raw(ByteSource source) {
        return new Disk() {
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
