package dev.vm2ami.image.container;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The image formats EC2 VM import takes and those vm2ami converts, with the file-name suffixes that name
 * them, and UNKNOWN for everything else. The one home of the suffixes: the intake's S3 notification
 * filters (CDK stack, local cloud) and the start function's key filter are derived from
 * {@link #imageSuffixes()}; compressed images ({@link #COMPRESSION_SUFFIXES}) count whatever is inside.
 */
public enum DiskFormat {
    OVA(".ova"), VMDK(".vmdk"), VHD(".vhd"), VHDX(".vhdx"), RAW(".raw", ".img"),
    /** QEMU's and VirtualBox's formats: vm2ami converts them before importing. */
    QCOW2(".qcow2"), VDI(".vdi"),
    UNKNOWN;

    /** gzip, xz and zstd around an image ({@code .raw.gz}, {@code .img.xz}, {@code .qcow2.zst}, or just {@code disk.gz}): converted. */
    public static final List<String> COMPRESSION_SUFFIXES = List.of(".gz", ".xz", ".zst");

    private final List<String> suffixes;

    DiskFormat(String... suffixes) {
        this.suffixes = List.of(suffixes);
    }

    /** The lower-case suffixes of this format's file names (none for UNKNOWN). */
    public List<String> suffixes() {
        return suffixes;
    }

    /**
     * Every suffix that names an image, lower case, in the order of the formats, then the compressions:
     * .ova .vmdk .vhd .vhdx .raw .img .qcow2 .vdi .gz .xz .zst.
     */
    public static List<String> imageSuffixes() {
        return Stream.concat(Stream.of(values()).flatMap(f -> f.suffixes.stream()), COMPRESSION_SUFFIXES.stream()).toList();
    }

    /** Whether the name ends in an image suffix, in any case (a compressed image counts whatever its inner suffix). */
    public static boolean isImageName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return imageSuffixes().stream().anyMatch(lower::endsWith);
    }

    /**
     * The format the object's name suggests, by its suffix in any case; for a compressed image the suffix
     * before the compression's ({@code disk.qcow2.xz}: QCOW2), none for a bare {@code disk.gz}.
     */
    public static Optional<DiskFormat> fromFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String z : COMPRESSION_SUFFIXES) {
            if (lower.endsWith(z)) {
                lower = lower.substring(0, lower.length() - z.length());
                break;
            }
        }
        String inner = lower;
        return Stream.of(values()).filter(f -> f.suffixes.stream().anyMatch(inner::endsWith)).findFirst();
    }

    /** The value of ImportImage's DiskContainer Format. */
    public String importFormat() {
        if (this == UNKNOWN || this == QCOW2 || this == VDI) throw new IllegalStateException(this + " is not an import format");
        return name().toLowerCase(Locale.ROOT);
    }
}
