package dev.vm2ami.image.container;

import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.Sizes;
import dev.vm2ami.image.read.ByteSource;

import java.io.IOException;

/** Bounds-checked reads for the converter's readers: anything a header points past the end is a truncated image. */
final class Reads {
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
}
