package dev.vm2ami.image.read;

import java.io.IOException;

/**
 * Random access to an image's bytes: a local file for {@code ./vm2ami check}, ranged GETs on the
 * S3 object in the pipeline. Inspection is the same code over either.
 */
public interface ByteRangeReader {
    /** Total size of the image in bytes. */
    long size();

    /**
     * Reads up to {@code length} bytes at {@code offset}; fewer only at the end of the image.
     */
    byte[] read(long offset, int length) throws IOException;

    /** Bytes fetched from the source so far (what a benchmark reports). */
    long bytesRead();

    /** Reads issued to the source so far (range requests, for S3). */
    int rangeRequests();
}
