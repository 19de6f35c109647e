package dev.vm2ami.sampleimages;

import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.convert.Converter;
import dev.vm2ami.image.convert.FileSink;
import dev.vm2ami.image.convert.ImageOpener;
import dev.vm2ami.image.convert.Target;
import dev.vm2ami.image.read.ByteSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java-written qcow2 and VDI are what QEMU and VirtualBox write: the converter turns them back into
 * the disk they were made of, byte for byte, and (when installed) {@code qemu-img check} finds no error
 * and {@code qemu-img compare} finds them equal to that disk.
 */
class ConvertibleImagesTest {
    @TempDir
    Path dir;

    static SparseImage disk() {
        return DiskBuilder.mbr(40 << 20).partition("0x83", 32 << 20, FileSystemSample.EXT4).build()
                .write(39L << 20, "the last megabyte".getBytes()); // a block beyond the partition, and a hole between
    }

    @ParameterizedTest
    @ValueSource(strings = {"qcow2", "qcow2-compressed", "vdi", "qcow2.gz"})
    void convertsBackToTheDiskItWasMadeOf(String kind) throws Exception {
        SparseImage disk = disk();
        SparseImage image = switch (kind) {
            case "qcow2", "qcow2.gz" -> ConvertibleImages.qcow2(disk, false);
            case "qcow2-compressed" -> ConvertibleImages.qcow2(disk, true);
            default -> ConvertibleImages.vdi(disk);
        };
        Path file = dir.resolve("image." + kind.replace("-compressed", ""));
        if (kind.endsWith(".gz")) Files.write(file, ConvertibleImages.gzip(image.toByteArray()));
        else image.writeTo(file);
        Path raw = dir.resolve("out.raw");

        try (ByteSource source = ByteSource.of(file);
             ImageOpener.Opened opened = ImageOpener.open(source, ExtentFiles.NONE, ImageOpener.Options.defaults())) {
            new Converter().convert(opened, new FileSink(raw), "out.raw", Converter.Options.defaults(Target.RAW));
        }

        assertThat(Files.readAllBytes(raw)).isEqualTo(disk.toByteArray());
        if (!kind.endsWith(".gz") && has("qemu-img")) {
            assertThat(run("qemu-img", "check", file.toString())).isZero();
            assertThat(run("qemu-img", "compare", "-f", kind.startsWith("qcow2") ? "qcow2" : "vdi", "-F", "raw", file.toString(), raw.toString())).isZero();
        }
    }

    private static boolean has(String tool) {
        return java.util.stream.Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("tool.log").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0) System.err.println(Files.readString(dir.resolve("tool.log")));
        return p.exitValue();
    }
}
