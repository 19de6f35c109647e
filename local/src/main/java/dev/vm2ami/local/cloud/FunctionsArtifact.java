package dev.vm2ami.local.cloud;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the functions' zips: the folder the Maven build writes one zip per function to, and CDK deploys from. */
final class FunctionsArtifact {
    static final String PROPERTY = "vm2ami.functions.zips";
    private static final Path RELATIVE = Path.of("functions", "target", "lambda");

    private FunctionsArtifact() {}

    static Path locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) return Path.of(configured);
        // From the repository root, or from local/ when run inside the module.
        for (Path base = Path.of("").toAbsolutePath(); base != null; base = base.getParent()) {
            Path candidate = base.resolve(RELATIVE);
            if (Files.isDirectory(candidate)) return candidate;
        }
        return Path.of("").toAbsolutePath().resolve(RELATIVE);
    }
}
