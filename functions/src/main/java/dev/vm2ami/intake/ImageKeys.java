package dev.vm2ami.intake;

import dev.vm2ami.config.ConversionSettings;
import dev.vm2ami.image.container.DiskFormat;

import java.util.Optional;

/** Which object keys the pipeline imports, and why it skips the others. */
public final class ImageKeys {
    private ImageKeys() {}

    /** Empty when the key is an image to import; else the reason it is skipped (for the log). */
    public static Optional<String> skipReason(S3EventRecord r, String prefix, ConversionSettings conversion) {
        if (!r.objectCreated()) return Optional.of("not an ObjectCreated event (" + r.eventName() + ")");
        if (r.folderMarker()) return Optional.of("a folder marker");
        if (!prefix.isEmpty() && !r.key().startsWith(prefix)) return Optional.of("outside the image prefix '" + prefix + "'");
        if (conversion.isConverted(r.key())) {
            // The pipeline wrote it: the execution that converted it imports it; a second one would convert it again.
            return Optional.of("a converted image (under '" + conversion.convertedPrefix() + "'), imported by the execution that converted it");
        }
        if (!DiskFormat.isImageName(r.key())) {
            return Optional.of("not an image name (" + String.join(" ", DiskFormat.imageSuffixes()) + ")");
        }
        return Optional.empty();
    }
}
