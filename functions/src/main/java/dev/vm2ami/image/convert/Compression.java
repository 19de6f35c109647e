package dev.vm2ami.image.convert;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import org.tukaani.xz.XZInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/** The compressions vm2ami takes off an image before converting it, known by their magic bytes. */
public enum Compression {
    GZIP("gzip"), XZ("xz"), ZSTD("zstd");

    /** xz dictionaries above this are refused (xz -9 uses 64 MiB; the converter's memory budget assumes no more). */
    public static final int XZ_MEMORY_LIMIT_KIB = 128 * 1024;

    private final String label;

    Compression(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Optional<Compression> of(byte[] h, int length) {
        if (length >= 2 && (h[0] & 0xFF) == 0x1F && (h[1] & 0xFF) == 0x8B) return Optional.of(GZIP);
        if (length >= 6 && (h[0] & 0xFF) == 0xFD && h[1] == '7' && h[2] == 'z' && h[3] == 'X' && h[4] == 'Z' && h[5] == 0) {
            return Optional.of(XZ);
        }
        if (length >= 4 && Reads.u32le(h, 0) == 0xFD2FB528L) return Optional.of(ZSTD);
        return Optional.empty();
    }

    /**
     * The decompressed stream; a header the decompressor cannot read is COMPRESSED_STREAM_CORRUPT,
     * while the storage's own failures ({@link SourceStream.SourceFailure}) stay IOExceptions.
     */
    InputStream open(InputStream in) throws IOException, ConversionException {
        try {
            return decompress(in);
        } catch (SourceStream.SourceFailure e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ConversionException(dev.vm2ami.inspect.FindingCode.COMPRESSED_STREAM_CORRUPT, label,
                    "its header cannot be read (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /** The decompressed stream; concatenated members (pigz, bgzip, pixz, zstd -T) read as one. */
    public InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case GZIP -> new GZIPInputStream(in, 64 * 1024);
            case XZ -> new XZInputStream(in, XZ_MEMORY_LIMIT_KIB);
            case ZSTD -> new ZstdInputStreamNoFinalizer(in).setContinuous(false);
        };
    }
}
