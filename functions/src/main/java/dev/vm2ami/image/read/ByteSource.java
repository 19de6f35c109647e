package dev.vm2ami.image.read;


import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random access to a stored image (a local file, an S3 object) that reads into the caller's buffer,
 * so a conversion reuses a fixed set of buffers however large the image is.
 */
public interface ByteSource extends Closeable {
    /** The size of the stored image in bytes. */
    long size();

    /** Reads up to {@code len} bytes at {@code pos} into {@code b[off..]}; fewer only at the end, 0 at or past it. */
    int read(long pos, byte[] b, int off, int len) throws IOException;

    /** Bytes fetched from storage so far (sources are read from two threads by {@link ReadAhead}: count accordingly). */
    long bytesRead();

    @Override
    default void close() throws IOException {}

    /** A local file. */
    static ByteSource of(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        long size = channel.size();
        return new ByteSource() {
            private final java.util.concurrent.atomic.LongAdder read = new java.util.concurrent.atomic.LongAdder();

            @Override
            public long size() {
                return size;
            }

            @Override
            public int read(long pos, byte[] b, int off, int len) throws IOException {
                if (pos < 0 || len < 0) throw new IllegalArgumentException("cannot read " + len + " bytes at " + pos + " of " + path);
                if (pos >= size) return 0;
                ByteBuffer buffer = ByteBuffer.wrap(b, off, (int) Math.min(len, size - pos));
                int start = buffer.position();
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer, pos + buffer.position() - start) < 0) break;
                }
                int n = buffer.position() - start;
                read.add(n);
                return n;
            }

            @Override
            public long bytesRead() {
                return read.sum();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }

            @Override
            public String toString() {
                return path.toString();
            }
        };
    }

    /** A window onto an image (the inspector's {@link Region}); its reads are counted by the reader underneath. */
    static ByteSource of(Region region) {
        return new ByteSource() {
            @Override
            public long size() {
                return region.length();
            }

            @Override
            public int read(long pos, byte[] b, int off, int len) throws IOException {
                byte[] data = region.read(pos, len);
                System.arraycopy(data, 0, b, off, data.length);
                return data.length;
            }

            @Override
            public long bytesRead() {
                return 0;
            }
        };
    }

    /** A reader that returns fresh arrays (S3 ranged GETs): each read is one request, so wrap it in {@link ReadAhead}. */
    static ByteSource of(ByteRangeReader reader) {
        return new ByteSource() {
            @Override
            public long size() {
                return reader.size();
            }

            @Override
            public int read(long pos, byte[] b, int off, int len) throws IOException {
                if (pos >= reader.size() || len == 0) return 0;
                byte[] data;
                try {
                    data = reader.read(pos, len);
                } catch (RuntimeException e) {
                    throw new IOException("reading " + len + " bytes at " + pos + " failed: " + e.getMessage(), e);
                }
                int n = Math.min(len, data.length);
                System.arraycopy(data, 0, b, off, n);
                return n;
            }

            @Override
            public long bytesRead() {
                return reader.bytesRead();
            }

            @Override
            public String toString() {
                return reader.toString();
            }
        };
    }
}
