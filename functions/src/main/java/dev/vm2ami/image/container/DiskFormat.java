package dev.vm2ami.image.container;

import java.util.Locale;
import java.util.Optional;

/** The image formats EC2 VM import takes, and UNKNOWN for everything else. */
public enum DiskFormat {
    OVA, VMDK, VHD, VHDX, RAW, UNKNOWN;

    /** The format the object's name suggests: .ova .vmdk .vhd .vhdx .raw .img (any case). */
    public static Optional<DiskFormat> fromFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".ova")) return Optional.of(OVA);
        if (lower.endsWith(".vmdk")) return Optional.of(VMDK);
        if (lower.endsWith(".vhdx")) return Optional.of(VHDX);
        if (lower.endsWith(".vhd")) return Optional.of(VHD);
        if (lower.endsWith(".raw") || lower.endsWith(".img")) return Optional.of(RAW);
        return Optional.empty();
    }

    /** The value of ImportImage's DiskContainer Format. */
    public String importFormat() {
        if (this == UNKNOWN) throw new IllegalStateException("UNKNOWN is not an import format");
        return name().toLowerCase(Locale.ROOT);
    }
}
