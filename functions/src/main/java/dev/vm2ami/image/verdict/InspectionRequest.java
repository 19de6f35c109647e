package dev.vm2ami.image.verdict;

import dev.vm2ami.image.container.ExtentFiles;

/**
 * What to inspect against.
 *
 * @param fileName the object key or file name (its extension is compared with the content)
 * @param bootMode the boot mode the import will request, or null when none is given
 * @param extents  the files beside the image, for a VMDK descriptor that names its extents
 */
public record InspectionRequest(String fileName, BootMode bootMode, ExtentFiles extents) {
    public InspectionRequest {
        extents = extents == null ? ExtentFiles.NONE : extents;
    }

    /** An image on its own (no files beside it). */
    public InspectionRequest(String fileName, BootMode bootMode) {
        this(fileName, bootMode, ExtentFiles.NONE);
    }
}
