package dev.vm2ami.image.convert;

import dev.vm2ami.image.read.Bytes;
import dev.vm2ami.image.container.SparseExtent;
import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.FindingCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes a stream-optimized VMDK front to back, the layout vSphere's OVF export writes and
 * ImportImage takes: header and descriptor, then each grain (64 KiB) that holds data, deflated
 * behind its marker; after each run of 512 grains their grain table behind a marker; at the end
 * the grain directory, a footer (the header again, now saying where the directory is) and the
 * end-of-stream marker. Grains of zeros are left out (unallocated), and so are tables with no grain.
 *
 * <p>Grains are deflated by a small pool of threads, a fixed ring of slots in flight, and written in
 * disk order. Memory is the slots (about 2 x 64 KiB each plus zlib's state) and the grain directory,
 * 4 bytes per 32 MiB of virtual disk (128 KiB per TiB).
 */
final class StreamOptimizedVmdkWriter implements DiskWriter {
    static final int GRAIN = 64 * 1024;
    static final int GRAIN_SECTORS = GRAIN / 512;
    static final int GTES = 512;
    private static final int OVERHEAD_SECTORS = ByteSink.PATCHABLE_HEAD / 512;
    private static final long MAX_SECTOR = 0xFFFFFFFFL;
    private static final int MARKER_EOS = 0;
    private static final int MARKER_GT = 1;
    private static final int MARKER_GD = 2;
    private static final int MARKER_FOOTER = 3;

    private final ByteSink sink;
    private final String fileName;
    private final ExecutorService pool;
    private final Slot[] slots;
    private long submitted;
    private long emitted;
    private final int[] table = new int[GTES];
    private long tableIndex;
    private boolean tableUsed;
    private int[] directory = new int[1024];
    private long dataGrains;

    /** One grain in flight: its bytes, and once deflated, what goes to the sink. */
    private static final class Slot {
        final byte[] in = new byte[GRAIN];
        final byte[] out = new byte[12 + GRAIN + GRAIN / 8 + 1024];
        final Deflater deflater;
        int outLength;
        boolean hole;
        Future<?> work;

        Slot(int level) {
            deflater = new Deflater(level);
        }
    }

    /**
     * @param fileName the name the descriptor gives its one extent (the output's file name)
     * @param threads  how many threads deflate grains
     * @param level    the deflate level (1 is fastest)
     */
    StreamOptimizedVmdkWriter(ByteSink sink, String fileName, int threads, int level) throws IOException {
        this.sink = sink;
        this.fileName = fileName;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "vmdk-deflate");
            t.setDaemon(true);
            return t;
        });
        this.slots = new Slot[2 * threads + 2];
        for (int i = 0; i < slots.length; i++) slots[i] = new Slot(level);
        byte[] head = new byte[ByteSink.PATCHABLE_HEAD]; // rewritten with the real size at the end
        sink.write(head, 0, head.length);
    }

    @Override
    public int chunkSize() {
        return GRAIN;
    }

    @Override
    public byte[] buffer() throws IOException {
        Slot slot = slots[(int) (submitted % slots.length)];
        if (submitted >= slots.length) emitOldest();
        return slot.in;
    }

    @Override
    public void chunk(int n, boolean hole) throws IOException {
        Slot slot = slots[(int) (submitted % slots.length)];
        long lba = submitted * GRAIN_SECTORS;
        submitted++;
        if (hole) {
            slot.hole = true;
            slot.work = null;
            return;
        }
        if (n < GRAIN) Arrays.fill(slot.in, n, GRAIN, (byte) 0); // the last grain is whole, zero-padded
        slot.work = pool.submit(() -> deflate(slot, lba));
    }

    private static void deflate(Slot slot, long lba) {
        if (Bytes.allZero(slot.in, 0, GRAIN)) {
            slot.hole = true;
            return;
        }
        slot.hole = false;
        Deflater d = slot.deflater;
        d.reset();
        d.setInput(slot.in, 0, GRAIN);
        d.finish();
        int length = 0;
        while (!d.finished()) {
            length += d.deflate(slot.out, 12 + length, slot.out.length - 12 - length);
            if (12 + length == slot.out.length && !d.finished()) throw new IllegalStateException("a grain deflated past its buffer");
        }
        put64le(slot.out, 0, lba);
        put32le(slot.out, 8, length);
        int total = roundUp(12 + length);
        Arrays.fill(slot.out, 12 + length, total, (byte) 0);
        slot.outLength = total;
    }

    /** Writes the oldest grain in flight (the next in disk order) once it is deflated. */
    private void emitOldest() throws IOException {
        if (emitted >= submitted) return;
        Slot slot = slots[(int) (emitted % slots.length)];
        if (slot.work != null) {
            try {
                slot.work.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while deflating grains", e);
            } catch (ExecutionException e) {
                throw new IOException("deflating grain " + emitted + " failed: " + e.getCause(), e.getCause());
            }
            slot.work = null;
        }
        long grain = emitted++;
        if (grain / GTES != tableIndex) flushTable(grain / GTES);
        if (slot.hole) return;
        long sector = sector();
        sink.write(slot.out, 0, slot.outLength);
        table[(int) (grain % GTES)] = (int) sector;
        tableUsed = true;
        dataGrains++;
    }

    private long sector() throws IOException {
        long sector = sink.position() / 512;
        if (sector > MAX_SECTOR - 4 * GRAIN_SECTORS) {
            throw new IOException(new ConversionException(FindingCode.CONVERSION_TOO_LARGE,
                    "a stream-optimized VMDK addresses at most 2 TiB of compressed data"));
        }
        return sector;
    }

    /** Writes the grain table of the grains written since the last one, if any of them held data. */
    private void flushTable(long next) throws IOException {
        if (tableUsed) {
            marker(GTES * 4 / 512, MARKER_GT);
            long at = sector();
            byte[] gt = new byte[GTES * 4];
            for (int i = 0; i < GTES; i++) put32le(gt, i * 4, table[i] & 0xFFFFFFFFL);
            sink.write(gt, 0, gt.length);
            if (tableIndex >= directory.length) directory = Arrays.copyOf(directory, (int) Math.max(tableIndex + 1, directory.length * 2L));
            directory[(int) tableIndex] = (int) at;
        }
        Arrays.fill(table, 0);
        tableUsed = false;
        tableIndex = next;
    }

    private void marker(long value, int type) throws IOException {
        byte[] m = new byte[512];
        put64le(m, 0, value);
        put32le(m, 12, type);
        sink.write(m, 0, m.length);
    }

    @Override
    public void finish(long diskSize) throws IOException {
        while (emitted < submitted) emitOldest();
        pool.shutdown();
        long capacity = (diskSize + 511) / 512;
        long tables = (capacity + (long) GTES * GRAIN_SECTORS - 1) / ((long) GTES * GRAIN_SECTORS);
        flushTable(tableIndex + 1);
        byte[] gd = new byte[roundUp((int) (tables * 4))];
        for (int i = 0; i < Math.min(tables, directory.length); i++) put32le(gd, i * 4, directory[i] & 0xFFFFFFFFL);
        marker(gd.length / 512, MARKER_GD);
        long gdSector = sector();
        sink.write(gd, 0, gd.length);
        marker(1, MARKER_FOOTER);
        byte[] footer = header(capacity, gdSector);
        sink.write(footer, 0, footer.length);
        marker(0, MARKER_EOS);
        sink.patch(0, header(capacity, SparseExtent.GD_AT_END));
        sink.patch(512, descriptor(capacity));
    }

    @Override
    public void abort() {
        pool.shutdownNow();
    }

    /** Grains that held data (the rest were left out). */
    long dataGrains() {
        return dataGrains;
    }

    private byte[] header(long capacity, long gdSector) {
        byte[] h = new byte[512];
        System.arraycopy(new byte[]{'K', 'D', 'M', 'V'}, 0, h, 0, 4);
        put32le(h, 4, 3);
        put32le(h, 8, 1 | 1 << 16 | 1 << 17); // newline check, compressed grains, markers
        put64le(h, 12, capacity);
        put64le(h, 20, GRAIN_SECTORS);
        put64le(h, 28, 1);
        put64le(h, 36, OVERHEAD_SECTORS - 1);
        put32le(h, 44, GTES);
        put64le(h, 48, 0);
        put64le(h, 56, gdSector);
        put64le(h, 64, OVERHEAD_SECTORS);
        h[72] = 0;
        h[73] = '\n';
        h[74] = ' ';
        h[75] = '\r';
        h[76] = '\n';
        put16le(h, 77, 1); // deflate
        return h;
    }

    private byte[] descriptor(long capacity) {
        long cylinders = Math.min(65535, Math.max(1, capacity / (255 * 63)));
        CRC32 crc = new CRC32();
        crc.update((fileName + capacity).getBytes(StandardCharsets.UTF_8));
        String text = String.format(Locale.ROOT, """
                # Disk DescriptorFile
                version=1
                CID=%08x
                parentCID=ffffffff
                createType="streamOptimized"

                # Extent description
                RW %d SPARSE "%s"

                # The Disk Data Base
                #DDB

                ddb.adapterType = "lsilogic"
                ddb.geometry.cylinders = "%d"
                ddb.geometry.heads = "255"
                ddb.geometry.sectors = "63"
                ddb.virtualHWVersion = "4"
                """, crc.getValue(), capacity, fileName.replace("\"", ""), cylinders);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(bytes, Math.min(roundUp(bytes.length), ByteSink.PATCHABLE_HEAD - 512));
    }

    private static int roundUp(int n) {
        return (n + 511) / 512 * 512;
    }

    private static void put16le(byte[] d, int o, int v) {
        d[o] = (byte) v;
        d[o + 1] = (byte) (v >>> 8);
    }

    private static void put32le(byte[] d, int o, long v) {
        for (int i = 0; i < 4; i++) d[o + i] = (byte) (v >>> (8 * i));
    }

    private static void put64le(byte[] d, int o, long v) {
        for (int i = 0; i < 8; i++) d[o + i] = (byte) (v >>> (8 * i));
    }
}
