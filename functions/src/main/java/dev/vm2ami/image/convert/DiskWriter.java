package dev.vm2ami.image.convert;

import java.io.IOException;

/**
 * Writes a virtual disk in an output format, chunk by chunk in disk order: the converter reads each
 * chunk into {@link #buffer()} and hands it over with {@link #chunk}. Buffers are a fixed set,
 * reused, whatever the disk's size.
 */
interface DiskWriter {
    /** How many bytes the converter reads per chunk. */
    int chunkSize();

    /** The buffer to read the next chunk into. */
    byte[] buffer() throws IOException;

    /** The chunk just read into {@link #buffer()}: {@code n} bytes, less than a chunk only at the end; {@code hole} if known zeros. */
    void chunk(int n, boolean hole) throws IOException;

    /** After the last chunk, with the disk's size now known: writes what follows the data and corrects the header. */
    void finish(long diskSize) throws IOException;

    /** Stops any work in progress (on failure). */
    default void abort() {}
}
