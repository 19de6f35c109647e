package dev.vm2ami.image.testing;

import dev.vm2ami.image.read.BlockDevice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** A file as a {@link BlockDevice}, counting reads; optionally with bytes changed in memory (fuzzing). */
public final class FileDevice implements BlockDevice, AutoCloseable {
    private final FileChannel channel;
    private final long size;
    private final TreeMap<Long, Byte> changes;
    private long reads;
    private long bytes;

    private FileDevice(FileChannel channel, long size, TreeMap<Long, Byte> changes) {
        this.channel = channel;
        this.size = size;
        this.changes = changes;
    }

    public static FileDevice open(Path file) {
        try {
            FileChannel c = FileChannel.open(file);
            return new FileDevice(c, c.size(), new TreeMap<>());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same file with {@code changed} bytes replaced, and cut to {@code newSize}. */
    public FileDevice mutated(Map<Long, Byte> changed, long newSize) {
        TreeMap<Long, Byte> all = new TreeMap<>(changes);
        all.putAll(changed);
        return new FileDevice(channel, Math.min(size, newSize), all);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] read(long offset, int length) throws IOException {
        if (offset < 0 || offset >= size || length <= 0) return new byte[0];
        int n = (int) Math.min(length, size - offset);
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (channel.read(buf, offset + buf.position()) < 0) break;
        }
        byte[] out = buf.array();
        for (Map.Entry<Long, Byte> c : changes.subMap(offset, offset + n).entrySet()) out[(int) (c.getKey() - offset)] = c.getValue();
        reads++;
        bytes += n;
        return out;
    }

    public long reads() {
        return reads;
    }

    public long bytes() {
        return bytes;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "a " + size + "-byte test image";
    }
}
