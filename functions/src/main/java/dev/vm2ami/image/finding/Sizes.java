package dev.vm2ami.image.finding;

import java.util.Locale;

/** Byte counts as people read them: 512 bytes, 64.0 KiB, 2.0 GiB, 16.0 TiB. */
public final class Sizes {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Sizes() {}

    /** @param byteUnit what a count under 1 KiB is followed by ("bytes", "B") */
    public static String human(long bytes, String byteUnit) {
        if (bytes < 1024) return bytes + " " + byteUnit;
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }
}
