package dev.vm2ami.image.os;

import dev.vm2ami.image.read.Bin;
import dev.vm2ami.image.read.StructureException;

import java.util.Optional;

/** The architecture an executable is built for, from its ELF (Linux) or PE (Windows) header. */
final class Executables {
    static final int HEADER = 64;

    private Executables() {}

    /** x86_64, i386, arm64, arm, ...; empty when the bytes are no ELF (a script, say). */
    static Optional<String> elf(byte[] h) {
        if (h.length < 20 || h[0] != 0x7F || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') return Optional.empty();
        boolean bigEndian = h[5] == 2;
        int machine = bigEndian ? (h[18] & 0xFF) << 8 | (h[19] & 0xFF) : (h[18] & 0xFF) | (h[19] & 0xFF) << 8;
        boolean is64 = h[4] == 2;
        return Optional.of(switch (machine) {
            case 3 -> "i386";
            case 62 -> "x86_64";
            case 183 -> "arm64";
            case 40 -> "arm";
            case 8 -> is64 ? "mips64" : "mips";
            case 20 -> "ppc";
            case 21 -> "ppc64" + (bigEndian ? "" : "le");
            case 22 -> "s390x";
            case 243 -> is64 ? "riscv64" : "riscv32";
            default -> "unknown";
        });
    }

    /** The machine of a PE executable: x86_64, i386, arm64; empty when it is none. */
    static Optional<String> pe(byte[] h) {
        try {
            if (h.length < 64 || h[0] != 'M' || h[1] != 'Z') return Optional.empty();
            long at = Bin.u32le(h, 0x3C);
            if (at + 6 > h.length || !Bin.has(h, (int) at, "PE\0\0")) return Optional.empty();
            return Optional.of(switch (Bin.u16le(h, (int) at + 4)) {
                case 0x8664 -> "x86_64";
                case 0x14C -> "i386";
                case 0xAA64 -> "arm64";
                default -> "unknown";
            });
        } catch (StructureException e) {
            return Optional.empty();
        }
    }
}
