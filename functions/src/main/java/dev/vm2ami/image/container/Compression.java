package dev.vm2ami.image.container;

import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.read.Bytes;
import dev.vm2ami.image.read.SourceStream;

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
        if (length >= 4 && Bytes.u32le(h, 0) == 0xFD2FB528L) return Optional.of(ZSTD);
        return Optional.empty();
    }

    /**
     * The decompressed stream; a header the decompressor cannot read is COMPRESSED_STREAM_CORRUPT,
     * while the storage's own failures ({@link SourceStream.SourceFailure}) stay IOExceptions.
     */
    public InputStream open(InputStream in) throws IOException, ConversionException {
        try {
            return decompress(in);
        } catch (SourceStream.SourceFailure e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ConversionException(FindingCode.COMPRESSED_STREAM_CORRUPT, label,
                    "its header cannot be read (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /**
     * Reads up to {@code len} decompressed bytes, fewer only at the end. Decompression errors are
     * COMPRESSED_STREAM_CORRUPT; failures of the storage underneath stay IOExceptions (worth a retry).
     */
    public int readFully(InputStream in, byte[] buf, int len) throws IOException, ConversionException {
        try {
            int done = 0;
            while (done < len) {
                int n = in.read(buf, done, len - done);
                if (n < 0) break;
                done += n;
            }
            return done;
        } catch (SourceStream.SourceFailure e) {
            throw e;
        } catch (org.tukaani.xz.MemoryLimitException e) {
            throw new ConversionException(FindingCode.CONVERSION_TOO_LARGE, "its xz dictionary needs " + e.getMemoryNeeded() / 1024
                    + " MiB to decompress; the converter allows " + XZ_MEMORY_LIMIT_KIB / 1024 + " MiB (xz -9 needs 65 MiB)");
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof java.io.EOFException || why.toLowerCase(java.util.Locale.ROOT).contains("end of")) {
                why = "the compressed data ends before its end marker (" + why + "): the file is truncated";
            }
            throw new ConversionException(FindingCode.COMPRESSED_STREAM_CORRUPT, label, why);
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
