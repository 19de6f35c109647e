package dev.vm2ami.image.read;

import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.MalformedImageException;

import java.io.IOException;

/**
 * A window onto an image (the whole file, or one member of an OVA) that checks every offset and
 * length taken from a header against the window's end before anything is read.
 */
public final class Region {
    private final ByteRangeReader reader;
    private final long start;
    private final long length;

    private Region(ByteRangeReader reader, long start, long length) {
        this.reader = reader;
        this.start = start;
        this.length = length;
    }

    public static Region of(ByteRangeReader reader) {
        return new Region(reader, 0, reader.size());
    }

    public long length() {
        return length;
    }

    /** Up to {@code len} bytes at {@code offset}; fewer at the end, none past it. */
    public byte[] read(long offset, int len) throws IOException {
        if (offset < 0 || offset >= length || len <= 0) return new byte[0];
        int n = (int) Math.min(len, length - offset);
        byte[] data = reader.read(start + offset, n);
        if (data.length == n) return data;
        return java.util.Arrays.copyOf(data, Math.min(data.length, n));
    }

    /** Exactly {@code len} bytes at {@code offset}, or an IMAGE_TRUNCATED naming {@code what}. */
    public byte[] readFully(long offset, int len, String what) throws IOException, MalformedImageException {
        if (offset < 0 || len < 0 || offset > length - len) {
            throw new MalformedImageException(FindingCode.IMAGE_TRUNCATED, what + " lies at bytes " + offset + "-"
                    + (offset + len) + " but the image ends at byte " + length);
        }
        byte[] data = read(offset, len);
        if (data.length < len) {
            throw new MalformedImageException(FindingCode.IMAGE_TRUNCATED, "reading " + what + " at byte " + offset
                    + " returned " + data.length + " of " + len + " bytes");
        }
        return data;
    }

    /** The window [offset, offset + len) of this one, clipped to its end. */
    public Region slice(long offset, long len) {
        long from = Math.min(Math.max(0, offset), length);
        return new Region(reader, start + from, Math.min(Math.max(0, len), length - from));
    }
}
