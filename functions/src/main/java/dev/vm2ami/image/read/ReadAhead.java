package dev.vm2ami.image.read;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Makes a source whose every read is a request (S3 ranged GETs) fit a converter's many small reads:
 * a few windows of the source are kept; a miss right after the last window fetches a large window
 * (and, while it is being read, the one after it in the background), any other miss a small one, so
 * an image stored in order costs few large requests and a scattered one does not fetch megabytes
 * per cluster. Memory is the windows: ({@code windows} + 1) x {@code large} bytes. The source is
 * read from two threads (this one and the background fetch), so it must allow that.
 */
public final class ReadAhead implements ByteSource {
    private final ByteSource source;
    private final int large;
    private final int small;
    private final Window[] windows;
    private final ExecutorService fetcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "read-ahead");
        t.setDaemon(true);
        return t;
    });
    private long lastEnd = -1;
    private long clock;
    private Window pending;
    private long pendingStart;
    private Future<Integer> pendingFetch;

    private static final class Window {
        final byte[] buffer;
        long start = -1;
        int length;
        long used;

        Window(int size) {
            buffer = new byte[size];
        }

        boolean holds(long pos) {
            return start >= 0 && pos >= start && pos < start + length;
        }
    }

    /**
     * @param large   bytes fetched for a read that continues where the last window ended
     * @param small   bytes fetched for any other miss
     * @param windows windows kept (one more is used for the background fetch)
     */
    public ReadAhead(ByteSource source, int large, int small, int windows) {
        if (small < 512 || small > large || windows < 2) throw new IllegalArgumentException("bad read-ahead windows");
        this.source = source;
        this.large = large;
        this.small = small;
        this.windows = new Window[windows + 1];
        for (int i = 0; i < this.windows.length; i++) this.windows[i] = new Window(large);
    }

    /** For S3: 8 MiB windows in order, 256 KiB otherwise, 3 kept (32 MiB in all). */
    public static ReadAhead forObjectStore(ByteSource source) {
        return new ReadAhead(source, 8 << 20, 256 << 10, 3);
    }

    @Override
    public long size() {
        return source.size();
    }

    @Override
    public int read(long pos, byte[] b, int off, int len) throws IOException {
        if (pos >= size() || len == 0) return 0;
        if (len >= large) return source.read(pos, b, off, len);
        int done = 0;
        while (done < len && pos + done < size()) {
            Window w = window(pos + done);
            int within = (int) (pos + done - w.start);
            int n = Math.min(len - done, w.length - within);
            if (n <= 0) break;
            System.arraycopy(w.buffer, within, b, off + done, n);
            done += n;
            w.used = ++clock;
            if (w.start + w.length == lastEnd && within + n > w.length / 2) prefetch(lastEnd);
        }
        return done;
    }

    private Window window(long pos) throws IOException {
        for (Window w : windows) if (w != pending && w.holds(pos)) return w;
        if (pending != null && pos >= pendingStart && pos < pendingStart + large) {
            Window w = awaitPending();
            if (w.holds(pos)) return w;
        }
        boolean sequential = lastEnd >= 0 && pos >= lastEnd - small && pos <= lastEnd + small;
        long start = sequential ? pos : pos - Math.floorMod(pos, 4096);
        Window w = victim();
        fill(w, start, sequential ? large : small);
        if (sequential || lastEnd < 0) lastEnd = w.start + w.length;
        return w;
    }

    private void fill(Window w, long start, int length) throws IOException {
        int n = (int) Math.min(length, size() - start);
        int done = 0;
        while (done < n) {
            int k = source.read(start + done, w.buffer, done, n - done);
            if (k <= 0) break;
            done += k;
        }
        w.start = start;
        w.length = done;
    }

    private void prefetch(long start) {
        if (pending != null || start >= size()) return;
        for (Window w : windows) if (w.holds(start)) return;
        Window w = victim();
        w.start = -1; // not a hit until fetched
        pending = w;
        pendingStart = start;
        pendingFetch = fetcher.submit(() -> {
            fill(w, start, large);
            return w.length;
        });
    }

    private Window awaitPending() throws IOException {
        Window w = pending;
        try {
            pendingFetch.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading ahead", e);
        } catch (ExecutionException e) {
            w.start = -1;
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            pending = null;
            pendingFetch = null;
        }
        lastEnd = w.start + w.length;
        return w;
    }

    /** The least recently used window that is not being fetched. */
    private Window victim() {
        Window victim = null;
        for (Window w : windows) {
            if (w == pending) continue;
            if (victim == null || w.used < victim.used) victim = w;
        }
        return victim;
    }

    @Override
    public long bytesRead() {
        return source.bytesRead();
    }

    @Override
    public void close() throws IOException {
        if (pending != null) {
            pendingFetch.cancel(true);
            pending = null;
        }
        fetcher.shutdownNow();
        source.close();
    }
}
