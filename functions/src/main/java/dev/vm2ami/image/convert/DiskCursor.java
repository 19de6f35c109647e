package dev.vm2ami.image.convert;

import dev.vm2ami.image.container.BlockDisk;
import dev.vm2ami.image.container.Compression;
import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.read.SourceStream;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * A virtual disk read front to back, a chunk at a time, which is how the writers consume it: over
 * a {@link BlockDisk} (random access, unallocated chunks known without reading), or over a decompressed
 * stream (a compressed raw image, whose size is only known at its end).
 */
public interface DiskCursor extends Closeable {
    /** The virtual size, or -1 until the end of a stream has been reached. */
    long size();

    /** Fills {@code buf[0, n)} with the next {@code n <= len} bytes; n is less than len only at the end, 0 after it. */
    int next(byte[] buf, int len) throws IOException, ConversionException;

    /** Whether the chunk {@link #next} returned last is known to be zeros without having been read. */
    boolean hole();

    static DiskCursor over(BlockDisk disk) {
        return new DiskCursor() {
            private long pos;
            private boolean hole;

            @Override
            public long size() {
                return disk.size();
            }

            @Override
            public int next(byte[] buf, int len) throws IOException, ConversionException {
                int n = (int) Math.min(len, disk.size() - pos);
                if (n <= 0) return 0;
                hole = !disk.read(pos, buf, 0, n);
                pos += n;
                return n;
            }

            @Override
            public boolean hole() {
                return hole;
            }

            @Override
            public void close() throws IOException {
                disk.close();
            }
        };
    }

    /**
     * A decompressed stream as a raw disk. Failures of the storage underneath arrive as
     * {@link SourceStream.SourceFailure} and stay IOExceptions (worth a retry); anything else the
     * decompressor throws means the compressed data is damaged.
     */
    static DiskCursor stream(InputStream decompressed, Compression compression) {
        return new DiskCursor() {
            private long pos;
            private boolean end;

            @Override
            public long size() {
                return end ? pos : -1;
            }

            @Override
            public int next(byte[] buf, int len) throws IOException, ConversionException {
                if (end) return 0;
                int n = compression.readFully(decompressed, buf, len);
                pos += n;
                if (n < len) end = true;
                return n;
            }

            @Override
            public boolean hole() {
                return false;
            }

            @Override
            public void close() throws IOException {
                decompressed.close();
            }
        };
    }
}
