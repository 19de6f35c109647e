package dev.vm2ami.image.verdict;

/**
 * What to inspect against.
 *
 * @param fileName the object key or file name (its extension is compared with the content)
 * @param bootMode the boot mode the import will request, or null when none is given
 */
public record InspectionRequest(String fileName, BootMode bootMode) {
}
