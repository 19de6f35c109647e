package dev.vm2ami.image.read;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** A local image file, for {@code ./vm2ami check}, tests and benchmarks. */
public final class FileRangeReader implements ByteRangeReader, AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final long size;
    private long bytesRead;
    private int rangeRequests;

    public FileRangeReader(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.size = channel.size();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] read(long offset, int length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("cannot read " + length + " bytes at offset " + offset + " of " + path);
        }
        rangeRequests++;
        if (offset >= size) return new byte[0];
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(length, size - offset));
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, offset + buffer.position());
            if (n < 0) break;
        }
        bytesRead += buffer.position();
        return buffer.position() == buffer.capacity() ? buffer.array() : Arrays.copyOf(buffer.array(), buffer.position());
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public int rangeRequests() {
        return rangeRequests;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "FileRangeReader[" + path + "]";
    }
}
