package dev.vm2ami.image.read;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wraps any reader (a file, ranged GETs on S3) so that inspection's many small reads become a few
 * block-aligned ones: reads are rounded out to whole blocks, contiguous missing blocks are fetched
 * in one request, and the most recently used blocks are kept. The counters are the source's, so
 * they say what the source was asked for.
 */
public final class CachingRangeReader implements ByteRangeReader {
    /** Small enough that scattered superblock probes cost little, large enough that headers take one request. */
    public static final int DEFAULT_BLOCK_SIZE = 32 * 1024;
    private static final int MAX_CACHED_BLOCKS = 128;

    private final ByteRangeReader source;
    private final int blockSize;
    private final Map<Long, byte[]> blocks = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > MAX_CACHED_BLOCKS;
        }
    };

    public CachingRangeReader(ByteRangeReader source, int blockSize) {
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two of at least 512 bytes, was " + blockSize);
        }
        this.source = source;
        this.blockSize = blockSize;
    }

    /** {@code reader} with a cache of {@link #DEFAULT_BLOCK_SIZE} blocks, unless it has one already. */
    public static CachingRangeReader wrap(ByteRangeReader reader) {
        return reader instanceof CachingRangeReader cached ? cached : new CachingRangeReader(reader, DEFAULT_BLOCK_SIZE);
    }

    @Override
    public long size() {
        return source.size();
    }

    @Override
    public byte[] read(long offset, int length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("cannot read " + length + " bytes at offset " + offset + " of " + source);
        }
        long size = source.size();
        if (offset >= size || length == 0) return new byte[0];
        long end = Math.min(size, offset + length);
        if (end - offset > (long) MAX_CACHED_BLOCKS / 2 * blockSize) return source.read(offset, (int) (end - offset));
        long first = offset / blockSize;
        long last = (end - 1) / blockSize;
        fetchMissing(first, last, size);
        byte[] out = new byte[(int) (end - offset)];
        for (long b = first; b <= last; b++) {
            byte[] block = blocks.get(b);
            long blockStart = b * blockSize;
            long from = Math.max(offset, blockStart);
            long to = Math.min(end, blockStart + block.length);
            if (to > from) System.arraycopy(block, (int) (from - blockStart), out, (int) (from - offset), (int) (to - from));
        }
        return out;
    }

    private void fetchMissing(long first, long last, long size) throws IOException {
        long b = first;
        while (b <= last) {
            if (blocks.containsKey(b)) {
                blocks.get(b); // touch: keep it among the recently used
                b++;
                continue;
            }
            long runEnd = b;
            while (runEnd + 1 <= last && !blocks.containsKey(runEnd + 1)) runEnd++;
            long from = b * blockSize;
            long to = Math.min(size, (runEnd + 1) * blockSize);
            byte[] data = source.read(from, (int) (to - from));
            for (long k = b; k <= runEnd; k++) {
                int at = (int) ((k - b) * blockSize);
                int n = Math.max(0, Math.min(blockSize, data.length - at));
                byte[] block = new byte[n];
                if (n > 0) System.arraycopy(data, at, block, 0, n);
                blocks.put(k, block);
            }
            b = runEnd + 1;
        }
    }

    @Override
    public long bytesRead() {
        return source.bytesRead();
    }

    @Override
    public int rangeRequests() {
        return source.rangeRequests();
    }

    @Override
    public String toString() {
        return "CachingRangeReader[" + source + "]";
    }
}
