package dev.vm2ami.intake;

import dev.vm2ami.image.container.DiskFormat;

import java.util.Optional;

/** Which object keys the pipeline imports, and why it skips the others. */
public final class ImageKeys {
    private ImageKeys() {}

    /** Empty when the key is an image to import; else the reason it is skipped (for the log). */
    public static Optional<String> skipReason(S3EventRecord r, String prefix) {
        if (!r.objectCreated()) return Optional.of("not an ObjectCreated event (" + r.eventName() + ")");
        if (r.folderMarker()) return Optional.of("a folder marker");
        if (!prefix.isEmpty() && !r.key().startsWith(prefix)) return Optional.of("outside the image prefix '" + prefix + "'");
        if (DiskFormat.fromFileName(r.key()).isEmpty()) {
            return Optional.of("not an image name (" + String.join(" ", DiskFormat.imageSuffixes()) + ")");
        }
        return Optional.empty();
    }
}
