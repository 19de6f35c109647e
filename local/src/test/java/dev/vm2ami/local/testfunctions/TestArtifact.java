package dev.vm2ami.local.testfunctions;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** A deployment artifact with just the test functions, laid out as Lambda expects (classes at the root). */
public final class TestArtifact {
    private TestArtifact() {}

    public static Path build(Path directory) throws IOException {
        Path zip = directory.resolve("test-functions.zip");
        Path classes;
        try {
            classes = Path.of(TestArtifact.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        Path packageDir = classes.resolve("dev/vm2ami/local/testfunctions");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream zout = new ZipOutputStream(out);
             var files = Files.list(packageDir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                zout.putNextEntry(new ZipEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, zout);
                zout.closeEntry();
            }
        }
        return zip;
    }
}
