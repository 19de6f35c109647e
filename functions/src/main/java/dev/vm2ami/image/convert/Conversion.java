package dev.vm2ami.image.convert;

/**
 * What a conversion did.
 *
 * @param from         what the image was ("qcow2 v3", "xz-compressed raw", "VMDK (twoGbMaxExtentSparse)")
 * @param to           what it became ({@link Target#label()})
 * @param virtualSize  the disk's size in bytes
 * @param bytesRead    bytes read from storage (the image, its extents)
 * @param bytesWritten bytes of the converted image
 * @param dataBytes    bytes of the disk that were read as data (the rest were known zeros)
 * @param seconds      wall-clock time
 */
public record Conversion(String from, String to, long virtualSize, long bytesRead, long bytesWritten, long dataBytes,
                         double seconds) {
}
