package dev.vm2ami.image.read;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

class ReadAheadTest {
    /** An object store in memory that counts requests. */
    private static final class Store implements ByteSource {
        final byte[] data;
        final AtomicInteger requests = new AtomicInteger();
        final LongAdder read = new LongAdder();

        Store(int size) {
            data = new byte[size];
            new Random(size).nextBytes(data);
        }

        @Override
        public long size() {
            return data.length;
        }

        @Override
        public int read(long pos, byte[] b, int off, int len) {
            requests.incrementAndGet();
            int n = (int) Math.min(len, data.length - pos);
            System.arraycopy(data, (int) pos, b, off, n);
            read.add(n);
            return n;
        }

        @Override
        public long bytesRead() {
            return read.sum();
        }
    }

    @Test
    void readsAnImageStoredInOrderInAFewLargeRequests() throws IOException {
        Store store = new Store(40 << 20);
        try (ReadAhead r = new ReadAhead(store, 8 << 20, 256 << 10, 3)) {
            byte[] chunk = new byte[64 << 10];
            for (long pos = 0; pos < store.size(); pos += chunk.length) {
                int n = r.read(pos, chunk, 0, chunk.length);
                assertThat(Arrays.equals(chunk, 0, n, store.data, (int) pos, (int) pos + n)).isTrue();
            }
        }
        assertThat(store.requests.get()).isLessThanOrEqualTo(7); // 256 KiB to start, then 8 MiB windows
        assertThat(store.bytesRead()).isLessThanOrEqualTo(store.size() + (256 << 10));
    }

    @Test
    void scatteredReadsFetchSmallWindowsAndAlwaysTheRightBytes() throws IOException {
        Store store = new Store(64 << 20);
        Random random = new Random(3);
        try (ReadAhead r = new ReadAhead(store, 8 << 20, 256 << 10, 3)) {
            for (int i = 0; i < 500; i++) {
                long pos = random.nextLong(store.size());
                byte[] b = new byte[1 + random.nextInt(100_000)];
                int n = r.read(pos, b, 0, b.length);
                assertThat(n).isEqualTo((int) Math.min(b.length, store.size() - pos));
                assertThat(Arrays.equals(b, 0, n, store.data, (int) pos, (int) pos + n)).as("read at " + pos).isTrue();
            }
        }
        assertThat(store.bytesRead()).as("no 8 MiB window per scattered read").isLessThan(500L * (1 << 20));
    }
}
