package dev.vm2ami.image.container;

import dev.vm2ami.image.read.ByteSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The files a VMDK descriptor names (the extents of a split disk), by the name it gives them. In S3
 * they are separate objects beside the descriptor; locally, files beside it.
 */
@FunctionalInterface
public interface ExtentFiles {
    /** The extent file called {@code name} in the descriptor, or empty when it is not there. */
    Optional<ByteSource> open(String name) throws IOException;

    /** No files besides the image itself. */
    ExtentFiles NONE = name -> Optional.empty();

    /** Files in {@code directory}; a name that leads out of it is not there. */
    static ExtentFiles beside(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        return name -> {
            Path file = dir.resolve(name).normalize();
            if (!file.startsWith(dir) || !Files.isRegularFile(file)) return Optional.empty();
            return Optional.of(ByteSource.of(file));
        };
    }
}
