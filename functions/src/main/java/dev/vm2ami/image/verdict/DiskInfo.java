package dev.vm2ami.image.verdict;

import dev.vm2ami.image.container.DiskFormat;

/**
 * One disk of the image: the image itself, or each disk of an OVA.
 *
 * @param name        the file name (the OVA member for a disk inside an OVA)
 * @param format      what its bytes are
 * @param subformat   the variant, where the format has several ({@code streamOptimized}, {@code dynamic},
 *                    {@code fixed}, {@code differencing}...), else empty
 * @param virtualSize the size of the disk the guest sees, in bytes (0 when unknown)
 */
public record DiskInfo(String name, DiskFormat format, String subformat, long virtualSize) {
}
