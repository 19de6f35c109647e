package dev.vm2ami.sampleimages;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The first bytes of an ELF executable, as far as an architecture check reads them. */
public final class Elf {
    public static final int X86_64 = 62;
    public static final int I386 = 3;
    public static final int AARCH64 = 183;
    public static final int ARM = 40;

    private Elf() {}

    public static byte[] header(int machine, int bits) {
        ByteBuffer b = ByteBuffer.allocate(bits == 64 ? 64 : 52).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{0x7F, 'E', 'L', 'F', (byte) (bits == 64 ? 2 : 1), 1, 1, 0});
        b.putShort(16, (short) 3);          // ET_DYN, as distributions build binaries
        b.putShort(18, (short) machine);
        b.putInt(20, 1);
        return b.array();
    }
}
