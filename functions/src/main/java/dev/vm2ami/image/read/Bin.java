package dev.vm2ami.image.read;

import java.nio.charset.StandardCharsets;

/**
 * Fields of on-disk structures, little- and big-endian. Every read checks that the field lies
 * inside the structure and throws {@link StructureException} (CORRUPT) when it does not, so a
 * length or offset taken from the disk can never index outside the bytes that were read.
 */
public final class Bin {
    private Bin() {}

    /** Checks that {@code [offset, offset + length)} lies within {@code d}. */
    public static void check(byte[] d, int offset, int length) throws StructureException {
        if (offset < 0 || length < 0 || offset > d.length - length) {
            throw StructureException.corrupt("a field at byte " + offset + " (" + length + " bytes) lies outside its "
                    + d.length + "-byte structure");
        }
    }

    public static int u8(byte[] d, int o) throws StructureException {
        check(d, o, 1);
        return d[o] & 0xFF;
    }

    public static int u16le(byte[] d, int o) throws StructureException {
        check(d, o, 2);
        return (d[o] & 0xFF) | (d[o + 1] & 0xFF) << 8;
    }

    public static long u32le(byte[] d, int o) throws StructureException {
        check(d, o, 4);
        return ((d[o] & 0xFF) | (d[o + 1] & 0xFF) << 8 | (d[o + 2] & 0xFF) << 16 | (long) (d[o + 3] & 0xFF) << 24);
    }

    /** A 32-bit little-endian field that must fit an int (counts, offsets in a block); larger is corrupt. */
    public static int int32le(byte[] d, int o) throws StructureException {
        long v = u32le(d, o);
        if (v > Integer.MAX_VALUE) throw StructureException.corrupt("a 32-bit field at byte " + o + " holds " + v + ", beyond any sane size");
        return (int) v;
    }

    public static long u64le(byte[] d, int o) throws StructureException {
        return u32le(d, o) | u32le(d, o + 4) << 32;
    }

    public static int u16be(byte[] d, int o) throws StructureException {
        check(d, o, 2);
        return (d[o] & 0xFF) << 8 | (d[o + 1] & 0xFF);
    }

    public static long u32be(byte[] d, int o) throws StructureException {
        check(d, o, 4);
        return ((long) (d[o] & 0xFF) << 24 | (d[o + 1] & 0xFF) << 16 | (d[o + 2] & 0xFF) << 8 | (d[o + 3] & 0xFF));
    }

    public static long u64be(byte[] d, int o) throws StructureException {
        return u32be(d, o) << 32 | u32be(d, o + 4);
    }

    /** Whether {@code d} holds {@code ascii} at {@code offset}; false (not an exception) when it is too short. */
    public static boolean has(byte[] d, int offset, String ascii) {
        byte[] m = ascii.getBytes(StandardCharsets.ISO_8859_1);
        if (offset < 0 || offset > d.length - m.length) return false;
        for (int i = 0; i < m.length; i++) if (d[offset + i] != m[i]) return false;
        return true;
    }

    public static byte[] slice(byte[] d, int offset, int length) throws StructureException {
        check(d, offset, length);
        return java.util.Arrays.copyOfRange(d, offset, offset + length);
    }

    /** Text up to the first NUL within {@code length} bytes (labels, names in headers). */
    public static String latin1(byte[] d, int offset, int length) throws StructureException {
        check(d, offset, length);
        int end = offset;
        while (end < offset + length && d[end] != 0) end++;
        return new String(d, offset, end - offset, StandardCharsets.ISO_8859_1);
    }

    public static String utf8(byte[] d, int offset, int length) throws StructureException {
        check(d, offset, length);
        return new String(d, offset, length, StandardCharsets.UTF_8);
    }

    public static String utf16le(byte[] d, int offset, int chars) throws StructureException {
        if (chars < 0 || chars > Integer.MAX_VALUE / 2) throw StructureException.corrupt("a name of " + chars + " characters");
        check(d, offset, chars * 2);
        return new String(d, offset, chars * 2, StandardCharsets.UTF_16LE);
    }

    /** A 16-byte UUID in its usual lower-case text form (ext, XFS and LVM's binary order: big-endian). */
    public static String uuid(byte[] d, int o) throws StructureException {
        check(d, o, 16);
        StringBuilder s = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) s.append('-');
            s.append(String.format("%02x", d[o + i] & 0xFF));
        }
        return s.toString();
    }

    /** {@code a * b}, or a LIMIT exception naming {@code what} when it overflows a long. */
    public static long multiply(long a, long b, String what) throws StructureException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw StructureException.corrupt(what + " overflows: " + a + " * " + b);
        }
    }

    public static long add(long a, long b, String what) throws StructureException {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw StructureException.corrupt(what + " overflows: " + a + " + " + b);
        }
    }
}
