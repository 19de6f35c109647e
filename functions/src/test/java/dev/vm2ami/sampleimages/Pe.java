package dev.vm2ami.sampleimages;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The first bytes of a Windows executable: the MZ header pointing to the PE header and its machine. */
public final class Pe {
    public static final int AMD64 = 0x8664;
    public static final int I386 = 0x14C;
    public static final int ARM64 = 0xAA64;

    private Pe() {}

    public static byte[] header(int machine) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 'M').put(1, (byte) 'Z');
        b.putInt(0x3C, 0x80);
        b.put(0x80, new byte[]{'P', 'E', 0, 0});
        b.putShort(0x84, (short) machine);
        return b.array();
    }
}
