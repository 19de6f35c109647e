package dev.vm2ami.image.convert;

import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.Sizes;
import dev.vm2ami.image.read.ByteSource;

import java.io.IOException;

/**
 * Converts a stored image (qcow2, VDI, VMDK, raw; any of them gzip-, xz- or zstd-compressed) into a
 * stream-optimized VMDK or a raw disk, front to back into a {@link ByteSink}. Memory is a fixed set
 * of buffers whatever the image's size; see {@link ImageOpener} for when temporary space is used.
 * On any failure the sink is aborted, so no partial output is left behind.
 */
public final class Converter {
    /**
     * @param target       what to write
     * @param threads      threads deflating VMDK grains (the reading thread is one more)
     * @param deflateLevel 1 (fastest) to 9
     * @param open         temporary space for compressed containers
     */
    public record Options(Target target, int threads, int deflateLevel, long maxVirtualSize, ImageOpener.Options open) {
        /** EC2 VM import takes disks smaller than 16 TiB; nothing larger is worth converting. */
        public static final long EC2_MAX_DISK = 16L << 40;

        public Options {
            if (threads < 1 || threads > 64) throw new IllegalArgumentException("threads must be 1-64, was " + threads);
            if (deflateLevel < 1 || deflateLevel > 9) throw new IllegalArgumentException("deflate level must be 1-9, was " + deflateLevel);
        }

        /** A VMDK, one deflating thread per processor, level 1. */
        public static Options defaults(Target target) {
            return new Options(target, Runtime.getRuntime().availableProcessors(), Deflate.FASTEST, EC2_MAX_DISK,
                    ImageOpener.Options.defaults());
        }

        public Options withThreads(int n) {
            return new Options(target, n, deflateLevel, maxVirtualSize, open);
        }

        public Options withMaxVirtualSize(long bytes) {
            return new Options(target, threads, deflateLevel, bytes, open);
        }

        public Options withOpen(ImageOpener.Options o) {
            return new Options(target, threads, deflateLevel, maxVirtualSize, o);
        }
    }

    /** Deflate levels. */
    public static final class Deflate {
        public static final int FASTEST = 1;

        private Deflate() {}
    }

    /**
     * Opens {@code source} and converts it into {@code sink}, named {@code outputName} inside a VMDK's
     * descriptor. {@code source} and the files {@code extents} opens stay the caller's to close.
     */
    public Conversion convert(ByteSource source, ExtentFiles extents, ByteSink sink, String outputName, Options options)
            throws IOException, ConversionException {
        ImageOpener.Opened image;
        try {
            image = ImageOpener.open(source, extents, options.open());
        } catch (IOException | ConversionException | RuntimeException e) {
            sink.abort();
            throw e;
        }
        try (image) {
            return convert(image, sink, outputName, options);
        }
    }

    /**
     * Converts an image already opened (so that the caller could name the output after what it is)
     * into {@code sink}; the caller closes {@code image}.
     */
    public Conversion convert(ImageOpener.Opened image, ByteSink sink, String outputName, Options options)
            throws IOException, ConversionException {
        long started = System.nanoTime();
        DiskWriter writer = null;
        try {
            DiskCursor cursor = image.cursor();
            tooLarge(cursor.size(), options);
            writer = options.target() == Target.VMDK
                    ? new StreamOptimizedVmdkWriter(sink, outputName, options.threads(), options.deflateLevel())
                    : new RawWriter(sink);
            long size = 0;
            long data = 0;
            int chunk = writer.chunkSize();
            while (true) {
                byte[] buffer = writer.buffer();
                int n = cursor.next(buffer, chunk);
                if (n == 0) break;
                boolean hole = cursor.hole();
                writer.chunk(n, hole);
                size += n;
                if (!hole) data += n;
                if (size > options.maxVirtualSize()) tooLarge(size, options);
                if (n < chunk) break;
            }
            writer.finish(size);
            sink.finish();
            return new Conversion(image.from(), options.target().label(), size, image.bytesRead(), sink.position(), data,
                    (System.nanoTime() - started) / 1e9);
        } catch (IOException e) {
            abort(writer, sink);
            // A finding raised inside the writer travels as an IOException's cause.
            if (e.getCause() instanceof ConversionException c) throw c;
            throw e;
        } catch (ConversionException | RuntimeException | Error e) {
            abort(writer, sink);
            throw e;
        }
    }

    private static void tooLarge(long size, Options options) throws ConversionException {
        if (size > options.maxVirtualSize()) {
            throw new ConversionException(FindingCode.CONVERSION_TOO_LARGE, "the disk is larger than "
                    + Sizes.human(options.maxVirtualSize(), "bytes") + ", the most this converter takes");
        }
    }

    private static void abort(DiskWriter writer, ByteSink sink) {
        if (writer != null) writer.abort();
        sink.abort();
    }
}
