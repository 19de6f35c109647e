package dev.vm2ami.image.convert;

import dev.vm2ami.inspect.FindingCode;
import dev.vm2ami.inspect.Sizes;

import java.io.IOException;
import java.util.Arrays;

/** Bounds-checked reads and integers for the readers: anything a header points past the end is a truncated image. */
final class Reads {
    /** Never written to: a source of zeros. */
    static final byte[] ZEROS = new byte[64 * 1024];

    private Reads() {}

    /** Exactly {@code len} bytes at {@code pos}, or IMAGE_TRUNCATED naming {@code what}. */
    static void fully(ByteSource source, long pos, byte[] b, int off, int len, String what) throws IOException, ConversionException {
        if (pos < 0 || len < 0 || pos > source.size() - len) throw truncated(what, pos, len, source.size());
        int done = 0;
        while (done < len) {
            int n = source.read(pos + done, b, off + done, len - done);
            if (n <= 0) throw truncated(what, pos, len, source.size());
            done += n;
        }
    }

    static ConversionException truncated(String what, long pos, long len, long size) {
        return new ConversionException(FindingCode.IMAGE_TRUNCATED, what + " lies at bytes " + pos + "-" + (pos + len)
                + " but the file ends at byte " + size + " (" + Sizes.human(size, "bytes") + ")");
    }

    static boolean allZero(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            int n = Math.min(ZEROS.length, end - i);
            if (Arrays.mismatch(b, i, i + n, ZEROS, 0, n) != -1) return false;
            i += n;
        }
        return true;
    }

    static int u16le(byte[] d, int o) {
        return (d[o] & 0xFF) | (d[o + 1] & 0xFF) << 8;
    }

    static long u32le(byte[] d, int o) {
        return (u16le(d, o) | (long) u16le(d, o + 2) << 16) & 0xFFFFFFFFL;
    }

    static long u64le(byte[] d, int o) {
        return u32le(d, o) | u32le(d, o + 4) << 32;
    }

    static long u32be(byte[] d, int o) {
        return ((long) (d[o] & 0xFF) << 24 | (d[o + 1] & 0xFF) << 16 | (d[o + 2] & 0xFF) << 8 | (d[o + 3] & 0xFF)) & 0xFFFFFFFFL;
    }

    static long u64be(byte[] d, int o) {
        return u32be(d, o) << 32 | u32be(d, o + 4);
    }

    static void put32le(byte[] d, int o, long v) {
        for (int i = 0; i < 4; i++) d[o + i] = (byte) (v >>> (8 * i));
    }

    static void put64le(byte[] d, int o, long v) {
        for (int i = 0; i < 8; i++) d[o + i] = (byte) (v >>> (8 * i));
    }

    static void put16le(byte[] d, int o, int v) {
        d[o] = (byte) v;
        d[o + 1] = (byte) (v >>> 8);
    }
}
