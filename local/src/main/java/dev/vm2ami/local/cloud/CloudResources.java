package dev.vm2ami.local.cloud;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Unpacks the moto extension (shipped inside the local module as {@code vm2ami-cloud/}), the
 * import-stage model (from the functions artifact, the one source of the stage durations) and EC2's
 * facts about file systems (the pre-flight check's too) into a folder Python can run from.
 */
final class CloudResources {
    private static final String PREFIX = "vm2ami-cloud/";
    static final String STAGES = "dev/vm2ami/importtask/import-stages.json";
    /** EC2's facts about file systems, which the pre-flight check reads too (the simulator fails what EC2 fails). */
    static final String FILE_SYSTEMS = "dev/vm2ami/image/fs/ec2-file-systems.properties";

    private CloudResources() {}

    static Path unpack(Path target) throws IOException {
        Files.createDirectories(target);
        Path source;
        try {
            source = Path.of(CloudResources.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the local module's classes", e);
        }
        if (Files.isDirectory(source)) {
            Path root = source.resolve(PREFIX);
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    if (file.toString().contains("__pycache__")) continue;
                    Path out = target.resolve(root.relativize(file).toString());
                    Files.createDirectories(out.getParent());
                    Files.copy(file, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } else {
            try (JarFile jar = new JarFile(source.toFile())) {
                for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                    JarEntry entry = entries.nextElement();
                    if (entry.isDirectory() || !entry.getName().startsWith(PREFIX)) continue;
                    Path out = target.resolve(entry.getName().substring(PREFIX.length())).normalize();
                    if (!out.startsWith(target)) continue;
                    Files.createDirectories(out.getParent());
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        try (InputStream stages = LocalCloud.resource(STAGES)) {
            Files.copy(stages, target.resolve("import-stages.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        try (InputStream facts = LocalCloud.resource(FILE_SYSTEMS)) {
            Files.copy(facts, target.resolve("ec2-file-systems.properties"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isRegularFile(target.resolve("vm2ami_cloud.py"))) {
            throw new IOException("the moto extension (vm2ami_cloud.py) is missing from " + source);
        }
        return target;
    }
}
