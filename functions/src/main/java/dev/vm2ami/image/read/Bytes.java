package dev.vm2ami.image.read;

import dev.vm2ami.image.finding.Sizes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reading integers, magic strings and GUIDs out of header bytes, bounds-checked: a read outside the
 * array gives 0, false or "" instead of an exception, so a parser of untrusted bytes cannot be
 * crashed by an offset it took from those bytes.
 */
public final class Bytes {
    private static final byte[] ZEROS = new byte[64 * 1024];

    private Bytes() {}

    public static boolean has(byte[] data, int offset, String ascii) {
        return has(data, offset, ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static boolean has(byte[] data, int offset, byte[] magic) {
        if (offset < 0 || data.length < offset + magic.length) return false;
        for (int i = 0; i < magic.length; i++) if (data[offset + i] != magic[i]) return false;
        return true;
    }

    public static int u8(byte[] d, int o) {
        return o >= 0 && o < d.length ? d[o] & 0xFF : 0;
    }

    public static int u16le(byte[] d, int o) {
        return u8(d, o) | u8(d, o + 1) << 8;
    }

    public static long u32le(byte[] d, int o) {
        return (u16le(d, o) | (long) u16le(d, o + 2) << 16) & 0xFFFFFFFFL;
    }

    public static long u64le(byte[] d, int o) {
        return u32le(d, o) | u32le(d, o + 4) << 32;
    }

    public static int u16be(byte[] d, int o) {
        return u8(d, o) << 8 | u8(d, o + 1);
    }

    public static long u32be(byte[] d, int o) {
        return ((long) u16be(d, o) << 16 | u16be(d, o + 2)) & 0xFFFFFFFFL;
    }

    public static long u64be(byte[] d, int o) {
        return u32be(d, o) << 32 | u32be(d, o + 4);
    }

    public static boolean allZero(byte[] d, int from, int to) {
        int end = Math.min(to, d.length);
        for (int i = Math.max(0, from); i < end; i += ZEROS.length) {
            int n = Math.min(ZEROS.length, end - i);
            if (Arrays.mismatch(d, i, i + n, ZEROS, 0, n) != -1) return false; // vectorized: the converter checks every grain
        }
        return true;
    }

    /** ASCII text up to the first NUL (or {@code length}), for names in headers. */
    public static String ascii(byte[] d, int offset, int length) {
        int end = offset;
        while (end < Math.min(d.length, offset + length) && d[end] != 0) end++;
        return offset >= end ? "" : new String(d, offset, end - offset, StandardCharsets.ISO_8859_1);
    }

    /** A GUID as Windows stores it (first three groups little-endian), in its usual upper-case text form. */
    public static String guid(byte[] d, int o) {
        return String.format("%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
                u32le(d, o), u16le(d, o + 4), u16le(d, o + 6), u8(d, o + 8), u8(d, o + 9),
                u8(d, o + 10), u8(d, o + 11), u8(d, o + 12), u8(d, o + 13), u8(d, o + 14), u8(d, o + 15));
    }
}
