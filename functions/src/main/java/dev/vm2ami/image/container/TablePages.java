package dev.vm2ami.image.container;

import dev.vm2ami.image.read.ByteSource;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The few recently used pages of an image's lookup tables (qcow2 L1/L2, VDI block map, VMDK grain
 * directory and tables): a fixed number of page buffers, reused, so the memory a reader needs does
 * not grow with the size of its tables. Callers check that a table lies within the file first.
 */
final class TablePages {
    private final ByteSource source;
    private final int pageSize;
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    private final Map<Long, byte[]> pages;

    TablePages(ByteSource source, int pageSize, int maxPages) {
        this.source = source;
        this.pageSize = pageSize;
        this.pages = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                if (size() <= maxPages) return false;
                free.push(eldest.getValue());
                return true;
            }
        };
    }

    int pageSize() {
        return pageSize;
    }

    /** The page starting at {@code pageStart} (a multiple of the page size); bytes past the file's end read as zeros. */
    byte[] page(long pageStart) throws IOException {
        byte[] page = pages.get(pageStart);
        if (page != null) return page;
        page = free.isEmpty() ? new byte[pageSize] : free.pop();
        int done = 0;
        while (done < pageSize) {
            int n = source.read(pageStart + done, page, done, pageSize - done);
            if (n <= 0) break;
            done += n;
        }
        java.util.Arrays.fill(page, done, pageSize, (byte) 0);
        pages.put(pageStart, page);
        return page;
    }

    long u64be(long pos) throws IOException {
        return u32be(pos) << 32 | u32be(pos + 4);
    }

    long u32be(long pos) throws IOException {
        long v = 0;
        for (int i = 0; i < 4; i++) v = v << 8 | u8(pos + i);
        return v;
    }

    long u32le(long pos) throws IOException {
        long v = 0;
        for (int i = 3; i >= 0; i--) v = v << 8 | u8(pos + i);
        return v;
    }

    private int u8(long pos) throws IOException {
        long start = pos - Math.floorMod(pos, pageSize);
        return page(start)[(int) (pos - start)] & 0xFF;
    }
}
