package dev.vm2ami.image.convert;

import dev.vm2ami.image.container.Compression;
import dev.vm2ami.image.container.ConvertibleImage;
import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.Sizes;
import dev.vm2ami.image.read.ByteSource;
import dev.vm2ami.image.read.Bytes;
import dev.vm2ami.image.read.SourceStream;

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

    private ImageOpener() {}

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
        byte[] head = new byte[ConvertibleImage.HEAD];
        int n = source.read(0, head, 0, head.length);
        if (n <= 0) throw new ConversionException(FindingCode.EMPTY_IMAGE);
        Optional<Compression> compression = Compression.of(head, n);
        if (compression.isPresent()) return decompressing(source, compression.get(), options);
        ConvertibleImage.Opened c = ConvertibleImage.open(source, extents);
        return new Opened(c.from(), DiskCursor.over(c.disk()), List.of(), () -> 0);
    }

    private static Opened decompressing(ByteSource source, Compression compression, Options options) throws IOException, ConversionException {
        InputStream in = new BufferedInputStream(compression.open(new SourceStream(source, 0, STREAM_READ)), 64 * 1024);
        boolean handedOver = false;
        try {
            in.mark(ConvertibleImage.HEAD);
            byte[] head = new byte[ConvertibleImage.HEAD];
            int n = compression.readFully(in, head, head.length);
            in.reset();
            String label = compression.label() + "-compressed ";
            if (ConvertibleImage.inside(compression, head, n) == ConvertibleImage.Inner.RAW) {
                handedOver = true;
                return new Opened(label + "raw", DiskCursor.stream(in, compression), List.of(), () -> 0);
            }
            Path temp = decompressToTemp(in, compression, options);
            List<AutoCloseable> resources = new ArrayList<>();
            resources.add(() -> Files.deleteIfExists(temp));
            try {
                ByteSource file = ByteSource.of(temp);
                resources.add(0, file);
                ConvertibleImage.Opened c = ConvertibleImage.open(file, ExtentFiles.NONE);
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
                int n = compression.readFully(in, block, block.length);
                if (n == 0) break;
                if (!Bytes.allZero(block, 0, n)) {
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
