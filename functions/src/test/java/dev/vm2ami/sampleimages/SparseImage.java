package dev.vm2ami.sampleimages;

import dev.vm2ami.image.read.ByteRangeReader;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An image as a length and the few byte ranges that are not zero, so that a 2 GiB raw disk or a
 * 20 TiB VHD costs kilobytes: in memory ({@link #reader()}), as a byte array when small, or as a
 * sparse file ({@link #writeTo(Path)}). Later writes win where ranges overlap.
 */
public final class SparseImage {
    private static final int MAX_ARRAY = 256 * 1024 * 1024;

    private record Chunk(long offset, byte[] data) {
    }

    private final long length;
    private final List<Chunk> chunks = new ArrayList<>();

    public SparseImage(long length) {
        if (length < 0) throw new IllegalArgumentException("image length must not be negative, was " + length);
        this.length = length;
    }

    public static SparseImage of(byte[] bytes) {
        return new SparseImage(bytes.length).write(0, bytes);
    }

    public long length() {
        return length;
    }

    /** Puts {@code data} at {@code offset}; the part past the end of the image is dropped. */
    public SparseImage write(long offset, byte[] data) {
        if (offset < 0) throw new IllegalArgumentException("cannot write at negative offset " + offset);
        if (offset >= length || data.length == 0) return this;
        int n = (int) Math.min(data.length, length - offset);
        chunks.add(new Chunk(offset, n == data.length ? data.clone() : java.util.Arrays.copyOf(data, n)));
        return this;
    }

    /** Puts the written ranges of {@code other} at {@code offset} (a file system into its partition, say). */
    public SparseImage write(long offset, SparseImage other) {
        for (Chunk c : other.chunks) write(offset + c.offset(), c.data());
        return this;
    }

    /** The same image cut (or extended with zeros) to {@code newLength}, for truncation tests; this one is unchanged. */
    public SparseImage resized(long newLength) {
        SparseImage copy = new SparseImage(newLength);
        for (Chunk c : chunks) copy.write(c.offset(), c.data());
        return copy;
    }

    /** The bytes at [offset, offset + len), clipped to the image. */
    public byte[] read(long offset, int len) {
        if (offset >= length || len <= 0) return new byte[0];
        byte[] out = new byte[(int) Math.min(len, length - offset)];
        for (Chunk c : chunks) {
            long from = Math.max(offset, c.offset());
            long to = Math.min(offset + out.length, c.offset() + c.data().length);
            if (to > from) System.arraycopy(c.data(), (int) (from - c.offset()), out, (int) (from - offset), (int) (to - from));
        }
        return out;
    }

    /** The offsets of the {@code unit}-sized, {@code unit}-aligned pieces that hold any written data. */
    public java.util.SortedSet<Long> touchedUnits(int unit) {
        java.util.TreeSet<Long> out = new java.util.TreeSet<>();
        for (Chunk c : chunks) {
            for (long u = c.offset() / unit; u <= (c.offset() + c.data().length - 1) / unit; u++) out.add(u);
        }
        return out;
    }

    public byte[] toByteArray() {
        if (length > MAX_ARRAY) throw new IllegalStateException("a " + length + "-byte image is too large for a byte array; write it to a file");
        return read(0, (int) length);
    }

    /** Writes the image as a sparse file: the length is set, only the written ranges take space. */
    public Path writeTo(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
            for (Chunk c : chunks) {
                f.seek(c.offset());
                f.write(c.data());
            }
        }
        return file;
    }

    /** An in-memory reader over the image, counting reads like an S3 or file reader does. */
    public ByteRangeReader reader() {
        return new ByteRangeReader() {
            private long bytesRead;
            private int requests;

            @Override
            public long size() {
                return length;
            }

            @Override
            public byte[] read(long offset, int len) {
                requests++;
                byte[] data = SparseImage.this.read(offset, len);
                bytesRead += data.length;
                return data;
            }

            @Override
            public long bytesRead() {
                return bytesRead;
            }

            @Override
            public int rangeRequests() {
                return requests;
            }
        };
    }
}
