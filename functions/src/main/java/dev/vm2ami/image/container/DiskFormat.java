package dev.vm2ami.image.container;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The image formats EC2 VM import takes, with the file-name suffixes that name them, and UNKNOWN for
 * everything else. The one home of the suffixes: the intake's S3 notification filters (CDK stack,
 * local cloud) and the start function's key filter are derived from {@link #imageSuffixes()}.
 */
public enum DiskFormat {
    OVA(".ova"), VMDK(".vmdk"), VHD(".vhd"), VHDX(".vhdx"), RAW(".raw", ".img"),
    /** QEMU's and VirtualBox's formats: vm2ami converts them (their suffixes start the pipeline once it runs the converter). */
    QCOW2, VDI,
    UNKNOWN;

    private final List<String> suffixes;

    DiskFormat(String... suffixes) {
        this.suffixes = List.of(suffixes);
    }

    /** The lower-case suffixes of this format's file names (none for UNKNOWN). */
    public List<String> suffixes() {
        return suffixes;
    }

    /** Every suffix that names an image, lower case, in the order of the formats: .ova .vmdk .vhd .vhdx .raw .img. */
    public static List<String> imageSuffixes() {
        return Stream.of(values()).flatMap(f -> f.suffixes.stream()).toList();
    }

    /** The format the object's name suggests, by its suffix in any case. */
    public static Optional<DiskFormat> fromFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return Stream.of(values()).filter(f -> f.suffixes.stream().anyMatch(lower::endsWith)).findFirst();
    }

    /** The value of ImportImage's DiskContainer Format. */
    public String importFormat() {
        if (this == UNKNOWN || this == QCOW2 || this == VDI) throw new IllegalStateException(this + " is not an import format");
        return name().toLowerCase(Locale.ROOT);
    }
}
