package dev.vm2ami.image.convert;

import dev.vm2ami.inspect.FindingCode;
import dev.vm2ami.inspect.Sizes;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Says what a stored image is and opens its virtual disk for conversion, front to back.
 *
 * <p>qcow2, VDI and VMDK are read in place, by random access. A compressed image cannot be: a
 * compressed raw disk is decompressed as a stream straight into the writer (no temporary space), a
 * compressed qcow2, VDI or sparse VMDK is decompressed once into a sparse temporary file (bounded by
 * {@link Options#maxTempBytes}) and read from there, since their clusters are in no particular order.
 */
public final class ImageOpener {
    static final int HEAD = 4096;
    /** Reads of a stream-compressed source (an S3 source sits behind a {@link ReadAhead}, which makes them few large requests). */
    static final int STREAM_READ = 1 << 20;

    /**
     * @param tempDir      where a compressed container is decompressed to
     * @param maxTempBytes the most temporary space a conversion may use (allocated bytes; zeros are holes)
     */
    public record Options(Path tempDir, long maxTempBytes) {
        public static Options defaults() {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            long usable;
            try {
                usable = Files.getFileStore(tmp).getUsableSpace();
            } catch (IOException e) {
                usable = 0;
            }
            return new Options(tmp, Math.max(0, usable - (64L << 20)));
        }
    }

    /** What the image is, in a user's words ("qcow2 v3", "xz-compressed raw"), and its disk, ready to be read front to back. */
    public record Opened(String from, DiskCursor cursor, List<AutoCloseable> resources, java.util.function.LongSupplier read)
            implements AutoCloseable {
        /** The virtual disk's size, or -1 for a compressed raw image (known only at its end). */
        public long virtualSize() {
            return cursor.size();
        }

        /** Bytes read from storage so far: the image and its extent files. */
        public long bytesRead() {
            return read.getAsLong();
        }

        @Override
        public void close() throws IOException {
            IOException failure = null;
            try {
                cursor.close();
            } catch (IOException e) {
                failure = e;
            }
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception e) {
                    if (failure == null) failure = e instanceof IOException io ? io : new IOException(e);
                }
            }
            if (failure != null) throw failure;
        }
    }

    /**
     * What pre-flight inspection learns about a convertible image without converting it.
     *
     * @param from        what it is ("qcow2 v3", "xz-compressed VDI (dynamic)")
     * @param virtualSize the disk's size, or -1 for a compressed raw image (known only at its end)
     */
    public record Recognition(String from, long virtualSize) {}

    /** Peeked at the start of a compressed image, for its inner format's header. */
    static final int PEEK = 64 * 1024;

    private ImageOpener() {}

    /**
     * Says what the image is and whether it can be converted, from its headers and tables, without
     * reading its data: throws the finding when it cannot (a backing file, encryption, a cut-off
     * file: the tables furthest into it are checked, at most {@code maxTables} of them; an extent
     * missing; an xz stream without its end). A compressed image is read only at its start (and, for
     * xz, its end): a gzip or zstd image cut short is found when it is converted.
     */
    public static Recognition recognize(ByteSource source, ExtentFiles extents, int maxTables) throws IOException, ConversionException {
        byte[] head = new byte[HEAD];
        int n = source.read(0, head, 0, head.length);
        if (n <= 0) throw new ConversionException(FindingCode.EMPTY_IMAGE);
        Optional<Compression> compression = Compression.of(head, n);
        if (compression.isEmpty()) {
            refuseImportable(head, n, "");
            if (isVhdFooter(source)) refuseImportable("conectix".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 8, "");
            Container c = container(head, n, source, extents);
            try (Disk disk = c.disk()) {
                disk.checkWithinFile(maxTables);
                return new Recognition(c.from(), disk.size());
            }
        }
        Compression z = compression.get();
        if (z == Compression.XZ) xzEnds(source);
        byte[] inner = new byte[PEEK];
        int k;
        try (InputStream in = z.open(new SourceStream(source, 0, 64 * 1024))) {
            k = DiskCursor.readFully(in, inner, inner.length, z);
        }
        String where = " inside a " + z.label() + " archive";
        if (k == 0) throw new ConversionException(FindingCode.COMPRESSED_STREAM_CORRUPT, z.label(), "it holds no data");
        Optional<Compression> nested = Compression.of(inner, k);
        if (nested.isPresent()) {
            throw new ConversionException(FindingCode.NOT_CONVERTIBLE, "a " + nested.get().label() + " archive" + where,
                    "Decompress it down to the disk image and upload that, or the disk image compressed once.");
        }
        refuseImportable(inner, k, where);
        String label = z.label() + "-compressed ";
        if (!Qcow2.is(inner) && !Vdi.is(inner) && !SparseExtent.is(inner)) {
            if (Vmdk.isDescriptor(inner, k)) {
                throw new ConversionException(FindingCode.VMDK_DESCRIPTOR_ONLY, "a descriptor" + where, "its extent files");
            }
            return new Recognition(label + "raw", -1);
        }
        // Only the start is at hand: the header says what the image is and what it depends on.
        ByteSource peek = new Peek(inner, k);
        if (Qcow2.is(inner)) {
            Qcow2.Header h = Qcow2.header(peek);
            return new Recognition(label + h.describe(), h.size());
        }
        if (Vdi.is(inner)) {
            Vdi.Header h = Vdi.header(peek);
            return new Recognition(label + h.describe(), h.size());
        }
        SparseExtent.Header h = SparseExtent.header(peek);
        if (h.descriptor().isBlank()) throw new ConversionException(FindingCode.VMDK_EXTENT_ALONE, "a sparse extent without a descriptor" + where);
        return new Recognition(label + "VMDK (" + Vmdk.keys(h.descriptor()).getOrDefault("createType", "monolithicSparse") + ")",
                h.capacitySectors() * 512);
    }

    /** An xz file ends with its stream footer's magic ("YZ"), then at most some zero padding. */
    private static void xzEnds(ByteSource source) throws IOException, ConversionException {
        int n = (int) Math.min(source.size(), 1024);
        byte[] tail = new byte[n];
        int got = source.read(source.size() - n, tail, 0, n);
        int end = got;
        while (end >= 4 && tail[end - 1] == 0 && tail[end - 2] == 0 && tail[end - 3] == 0 && tail[end - 4] == 0) end -= 4;
        if (end < 12 || tail[end - 2] != 'Y' || tail[end - 1] != 'Z') {
            throw new ConversionException(FindingCode.COMPRESSED_STREAM_CORRUPT, "xz",
                    "the file ends before its xz stream does (no stream footer): it is truncated");
        }
    }

    /** The decompressed start of an image, as a source whose end is not known: reads past what is here find nothing. */
    private record Peek(byte[] data, int length) implements ByteSource {
        @Override
        public long size() {
            return Long.MAX_VALUE / 4;
        }

        @Override
        public int read(long pos, byte[] b, int off, int len) {
            if (pos >= length) return 0;
            int n = (int) Math.min(len, length - pos);
            System.arraycopy(data, (int) pos, b, off, n);
            return n;
        }

        @Override
        public long bytesRead() {
            return 0;
        }
    }

    /** Opens {@code source} (its extents, for a split VMDK, through {@code extents}). */
    public static Opened open(ByteSource source, ExtentFiles extents, Options options) throws IOException, ConversionException {
        List<ByteSource> opened = new ArrayList<>();
        ExtentFiles counted = name -> {
            Optional<ByteSource> found = extents.open(name);
            found.ifPresent(opened::add);
            return found;
        };
        java.util.function.LongSupplier read = () -> source.bytesRead() + opened.stream().mapToLong(ByteSource::bytesRead).sum();
        Opened o = openCounted(source, counted, options);
        return new Opened(o.from(), o.cursor(), o.resources(), read);
    }

    private static Opened openCounted(ByteSource source, ExtentFiles extents, Options options) throws IOException, ConversionException {
        byte[] head = new byte[HEAD];
        int n = source.read(0, head, 0, head.length);
        if (n <= 0) throw new ConversionException(FindingCode.EMPTY_IMAGE);
        Optional<Compression> compression = Compression.of(head, n);
        if (compression.isPresent()) return decompressing(source, compression.get(), options);
        refuseImportable(head, n, "");
        if (isVhdFooter(source)) refuseImportable("conectix".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 8, "");
        Container c = container(head, n, source, extents);
        return new Opened(c.from(), DiskCursor.over(c.disk()), List.of(), () -> 0);
    }

    /** Formats EC2 imports as they are, which would otherwise pass for raw disks here. */
    private static void refuseImportable(byte[] head, int n, String where) throws ConversionException {
        String what = null;
        if (n >= 8 && new String(head, 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1).equals("vhdxfile")) what = "a VHDX image";
        else if (n >= 8 && new String(head, 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1).equals("conectix")) what = "a VHD image";
        else if (n > 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.ISO_8859_1).equals("ustar")) what = "a tar archive (an OVA?)";
        if (what != null) {
            throw new ConversionException(FindingCode.NOT_CONVERTIBLE, what + where,
                    "Upload the disk image itself, uncompressed: EC2 imports OVA, VHD and VHDX as they are; a tar archive of a disk image is extracted first.");
        }
    }

    private static boolean isVhdFooter(ByteSource source) throws IOException {
        if (source.size() < 1024) return false;
        byte[] tail = new byte[8];
        return source.read(source.size() - 512, tail, 0, 8) == 8
                && new String(tail, java.nio.charset.StandardCharsets.ISO_8859_1).equals("conectix");
    }

    private record Container(String from, Disk disk) {}

    private static Container container(byte[] head, int n, ByteSource source, ExtentFiles extents) throws IOException, ConversionException {
        if (Qcow2.is(head)) {
            Qcow2 q = Qcow2.open(source);
            return new Container(q.header().describe(), q);
        }
        if (Vdi.is(head)) {
            Vdi v = Vdi.open(source);
            return new Container(v.header().describe(), v);
        }
        if (SparseExtent.is(head)) {
            Vmdk.Opened v = Vmdk.openSparse(source);
            return new Container(v.describe(), v.disk());
        }
        if (n >= 4 && head[0] == 'C' && head[1] == 'O' && head[2] == 'W' && head[3] == 'D') {
            throw new ConversionException(FindingCode.VMDK_SNAPSHOT_DELTA, "an ESX vmfsSparse (COWD) snapshot extent");
        }
        if (Vmdk.isDescriptor(head, n)) {
            Vmdk.Opened v = Vmdk.openDescriptor(source, extents);
            return new Container(v.describe(), v.disk());
        }
        return new Container("raw", Disk.raw(source));
    }

    private static Opened decompressing(ByteSource source, Compression compression, Options options) throws IOException, ConversionException {
        InputStream in = new BufferedInputStream(compression.open(new SourceStream(source, 0, STREAM_READ)), 64 * 1024);
        boolean handedOver = false;
        try {
            in.mark(HEAD);
            byte[] head = new byte[HEAD];
            int n = DiskCursor.readFully(in, head, HEAD, compression);
            in.reset();
            if (n == 0) throw new ConversionException(FindingCode.COMPRESSED_STREAM_CORRUPT, compression.label(), "it holds no data");
            String label = compression.label() + "-compressed ";
            Optional<Compression> nested = Compression.of(head, n);
            if (nested.isPresent()) {
                throw new ConversionException(FindingCode.NOT_CONVERTIBLE, "a " + nested.get().label() + " archive inside a " + compression.label() + " archive",
                        "Decompress it down to the disk image and upload that, or the disk image compressed once.");
            }
            refuseImportable(head, n, " inside a " + compression.label() + " archive");
            if (Vmdk.isDescriptor(head, n) && !SparseExtent.is(head)) {
                throw new ConversionException(FindingCode.VMDK_DESCRIPTOR_ONLY, "a descriptor inside a " + compression.label() + " archive",
                        "its extent files");
            }
            if (!Qcow2.is(head) && !Vdi.is(head) && !SparseExtent.is(head)) {
                handedOver = true;
                return new Opened(label + "raw", DiskCursor.stream(in, compression), List.of(), () -> 0);
            }
            Path temp = decompressToTemp(in, compression, options);
            List<AutoCloseable> resources = new ArrayList<>();
            resources.add(() -> Files.deleteIfExists(temp));
            try {
                ByteSource file = ByteSource.of(temp);
                resources.add(0, file);
                Container c = container(head, n, file, ExtentFiles.NONE);
                return new Opened(label + c.from(), DiskCursor.over(c.disk()), resources, () -> 0);
            } catch (IOException | ConversionException | RuntimeException e) {
                for (AutoCloseable r : resources) {
                    try {
                        r.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        } finally {
            if (!handedOver) in.close();
        }
    }

    /**
     * Decompresses into a temporary file, leaving holes where the data is zeros (so the space used is
     * what the image allocates), and stops with CONVERSION_TOO_LARGE past the limit.
     */
    static Path decompressToTemp(InputStream in, Compression compression, Options options) throws IOException, ConversionException {
        Path temp = Files.createTempFile(options.tempDir(), "vm2ami-", ".decompressed");
        boolean done = false;
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            byte[] block = new byte[1 << 20];
            long pos = 0;
            long allocated = 0;
            while (true) {
                int n = DiskCursor.readFully(in, block, block.length, compression);
                if (n == 0) break;
                if (!Reads.allZero(block, 0, n)) {
                    allocated += n;
                    if (allocated > options.maxTempBytes()) {
                        throw new ConversionException(FindingCode.CONVERSION_TOO_LARGE, "the decompressed " + compression.label()
                                + " image needs more than the " + Sizes.human(options.maxTempBytes(), "bytes") + " of temporary space the converter has");
                    }
                    ByteBuffer b = ByteBuffer.wrap(block, 0, n);
                    long at = pos;
                    while (b.hasRemaining()) at += out.write(b, at);
                }
                pos += n;
                if (n < block.length) break;
            }
            if (out.size() < pos) out.write(ByteBuffer.wrap(new byte[1]), pos - 1); // a trailing hole still counts
            done = true;
            return temp;
        } finally {
            if (!done) Files.deleteIfExists(temp);
        }
    }
}
