package dev.vm2ami.image.convert;

import java.io.IOException;

/**
 * Where a converted image goes, written front to back: a local file, or an S3 multipart upload
 * (which keeps its first part until the end, so the header can still be corrected then).
 */
public interface ByteSink {
    /** How much of the start of the output {@link #patch} may still rewrite until {@link #finish}. */
    int PATCHABLE_HEAD = 64 * 1024;

    void write(byte[] b, int off, int len) throws IOException;

    /** Writes {@code n} zero bytes (a file leaves a hole). */
    default void writeZeros(long n) throws IOException {
        for (long left = n; left > 0; left -= Zeros.BLOCK.length) write(Zeros.BLOCK, 0, (int) Math.min(left, Zeros.BLOCK.length));
    }

    /** Bytes written so far. */
    long position();

    /** Rewrites {@code b} at {@code pos}, which lies within the first {@link #PATCHABLE_HEAD} bytes already written. */
    void patch(long pos, byte[] b) throws IOException;

    /** Completes the output (the multipart upload, the file). */
    void finish() throws IOException;

    /** Discards what was written (aborts the multipart upload, deletes the file); never throws. */
    void abort();
}
