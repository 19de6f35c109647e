package dev.vm2ami.image.convert;

import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.read.ByteSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.vm2ami.image.convert.Tools.MIB;
import static dev.vm2ami.image.convert.Tools.require;
import static dev.vm2ami.image.convert.Tools.run;
import static dev.vm2ami.image.convert.Tools.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Images that cannot be converted end with one clear finding, and no output is left behind: made
 * by qemu-img (a backing file, encryption, an external data file, a snapshot), cut short, or split
 * with an extent missing.
 */
class RefusedImagesTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void sourceDisk() throws IOException {
        Tools.disk(dir, "src.raw", 8 * MIB);
    }

    @Test
    void refusesAQcow2WithABackingFileAndNamesIt() throws Exception {
        require("qemu-img");
        sh(dir, "qemu-img convert -O qcow2 src.raw base.qcow2 && qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 overlay.qcow2");

        Finding f = refusal("overlay.qcow2");

        assertThat(f.code()).isEqualTo("QCOW2_BACKING_FILE");
        assertThat(f.message()).contains("'base.qcow2'");
        assertThat(dir.resolve("overlay.qcow2.vmdk")).doesNotExist();
    }

    @Test
    void refusesAnEncryptedQcow2() throws Exception {
        require("qemu-img");
        // qemu-img times its key derivation on this CPU and gives up now and then on a busy machine: a few tries.
        for (int attempt = 1; !Files.exists(dir.resolve("enc.qcow2")) && attempt <= 5; attempt++) {
            new ProcessBuilder("qemu-img", "create", "-q", "--object", "secret,id=sec0,data=abc", "-f", "qcow2", "-o",
                    "encrypt.format=luks,encrypt.key-secret=sec0,encrypt.iter-time=300", "enc.qcow2", "8M")
                    .directory(dir.toFile()).redirectErrorStream(true).start().waitFor();
        }
        assertThat(dir.resolve("enc.qcow2")).as("qemu-img made a LUKS-encrypted qcow2").exists();

        Finding f = refusal("enc.qcow2");

        assertThat(f.code()).isEqualTo("QCOW2_ENCRYPTED");
        assertThat(f.message()).contains("LUKS");
    }

    @Test
    void refusesAQcow2WithLegacyAesEncryption() throws Exception {
        require("qemu-img");
        sh(dir, "qemu-img create -q --object secret,id=sec0,data=abc -f qcow2 -o encrypt.format=aes,encrypt.key-secret=sec0 aes.qcow2 8M");

        Finding f = refusal("aes.qcow2");

        assertThat(f.code()).isEqualTo("QCOW2_ENCRYPTED");
        assertThat(f.message()).contains("AES");
    }

    @Test
    void refusesAQcow2WithAnExternalDataFile() throws Exception {
        require("qemu-img");
        sh(dir, "qemu-img create -q -f qcow2 -o data_file=data.raw external.qcow2 8M");

        assertThat(refusal("external.qcow2").code()).isEqualTo("QCOW2_UNSUPPORTED_FEATURE");
    }

    @Test
    void refusesAVmdkSnapshot() throws Exception {
        require("qemu-img");
        sh(dir, "qemu-img convert -O vmdk src.raw parent.vmdk && qemu-img create -q -f vmdk -b parent.vmdk -F vmdk child.vmdk");

        assertThat(refusal("child.vmdk").code()).isEqualTo("VMDK_SNAPSHOT_DELTA");
    }

    @ParameterizedTest(name = "{0} cut to {2}% -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            qcow2                  | qemu-img convert -O qcow2 src.raw cut.qcow2                        | 50 | IMAGE_TRUNCATED
            compressed qcow2       | qemu-img convert -c -O qcow2 src.raw cut.qcow2                     | 70 | IMAGE_TRUNCATED
            qcow2, header only     | qemu-img convert -O qcow2 src.raw cut.qcow2                        | 0  | IMAGE_TRUNCATED
            VDI                    | qemu-img convert -O vdi src.raw cut.vdi                            | 50 | IMAGE_TRUNCATED
            monolithicSparse VMDK  | qemu-img convert -O vmdk src.raw cut.vmdk                          | 50 | IMAGE_TRUNCATED
            streamOptimized VMDK   | qemu-img convert -O vmdk -o subformat=streamOptimized src.raw cut.vmdk | 90 | IMAGE_TRUNCATED
            gzip                   | gzip -c src.raw > cut.raw.gz                                       | 60 | COMPRESSED_STREAM_CORRUPT
            xz                     | xz -1 -c src.raw > cut.raw.xz                                      | 60 | COMPRESSED_STREAM_CORRUPT
            zstd                   | zstd -q -c src.raw > cut.raw.zst                                   | 60 | COMPRESSED_STREAM_CORRUPT
            gzip around qcow2      | qemu-img convert -O qcow2 src.raw cutgz.qcow2 && gzip -c cutgz.qcow2 > cut.qcow2.gz | 60 | COMPRESSED_STREAM_CORRUPT
            """)
    void aTruncatedImageIsAClearFinding(String what, String make, int percent, String code) throws Exception {
        require("qemu-img", "gzip", "xz", "zstd");
        sh(dir, make);
        String file = make.substring(make.lastIndexOf(' ') + 1);
        long size = Files.size(dir.resolve(file));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(file).toFile(), "rw")) {
            f.setLength(percent == 0 ? 512 : size * percent / 100);
        }

        Finding f = refusal(file);

        assertThat(f.code()).isEqualTo(code);
        assertThat(f.message()).isNotBlank();
        assertThat(dir.resolve(file + ".vmdk")).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            gzip, compression method 7  | gzip -c src.raw > h.raw.gz    | h.raw.gz  | 2
            xz, stream flags damaged    | xz -1 -c src.raw > h.raw.xz   | h.raw.xz  | 7
            zstd, frame header damaged  | zstd -q -c src.raw > h.raw.zst | h.raw.zst | 4
            """)
    void aDamagedCompressionHeaderIsAFinding(String what, String make, String file, int at) throws Exception {
        require("gzip", "xz", "zstd");
        sh(dir, make);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(file).toFile(), "rw")) {
            f.seek(at);
            f.write(at == 2 ? 7 : 0xFF);
        }

        assertThat(refusal(file).code()).isEqualTo("COMPRESSED_STREAM_CORRUPT");
    }

    @Test
    void refusesAnXzDictionaryLargerThanTheConverterAllows() throws Exception {
        require("xz");
        sh(dir, "xz -c --lzma2=preset=1,dict=256MiB src.raw > bigdict.raw.xz");

        Finding f = refusal("bigdict.raw.xz");

        assertThat(f.code()).isEqualTo("CONVERSION_TOO_LARGE");
        assertThat(f.message()).contains("xz dictionary");
    }

    @Test
    void namesTheExtentsASplitVmdkIsMissing() throws Exception {
        require("qemu-img");
        Path split = Files.createDirectory(dir.resolve("split"));
        // qemu-img makes a twoGbMaxExtentSparse disk of three extents without writing 4 GiB of data.
        run(split, "qemu-img", "create", "-q", "-f", "vmdk", "-o", "subformat=twoGbMaxExtentSparse", "split.vmdk", "5G");
        Files.delete(split.resolve("split-s002.vmdk"));
        Files.delete(split.resolve("split-s003.vmdk"));

        Finding f = refusal(split.resolve("split.vmdk"), ExtentFiles.beside(split));

        assertThat(f.code()).isEqualTo("VMDK_EXTENT_MISSING");
        assertThat(f.message()).contains("'split-s002.vmdk', 'split-s003.vmdk'").doesNotContain("s001");
    }

    @Test
    void refusesOneExtentOfASplitVmdkOnItsOwn() throws Exception {
        require("qemu-img");
        Path split = Files.createDirectory(dir.resolve("alone"));
        run(split, "qemu-img", "create", "-q", "-f", "vmdk", "-o", "subformat=twoGbMaxExtentSparse", "alone.vmdk", "3G");

        assertThat(refusal(split.resolve("alone-s001.vmdk"), ExtentFiles.NONE).code()).isEqualTo("VMDK_EXTENT_ALONE");
    }

    @Test
    void refusesCompressedImagesEc2ImportsAsTheyAre() throws Exception {
        require("qemu-img", "gzip");
        sh(dir, "qemu-img convert -O vpc src.raw disk.vhd && gzip -k disk.vhd");

        Finding f = refusal("disk.vhd.gz");

        assertThat(f.code()).isEqualTo("NOT_CONVERTIBLE");
        assertThat(f.message()).contains("VHD", "gzip");
    }

    @Test
    void refusesADiskLargerThanTheLimit() throws Exception {
        require("qemu-img");
        sh(dir, "qemu-img create -q -f qcow2 huge.qcow2 64G");
        Finding f;
        try (ByteSource source = ByteSource.of(dir.resolve("huge.qcow2"))) {
            f = catchThrowableOfType(ConversionException.class, () -> new Converter().convert(source, ExtentFiles.NONE,
                    new FileSink(dir.resolve("huge.vmdk")), "huge.vmdk",
                    Converter.Options.defaults(Target.VMDK).withMaxVirtualSize(16 * MIB))).finding();
        }
        assertThat(f.code()).isEqualTo("CONVERSION_TOO_LARGE");
        assertThat(f.message()).contains("16.0 MiB");
    }

    private static Finding refusal(String file) throws IOException {
        return refusal(dir.resolve(file), ExtentFiles.beside(dir));
    }

    private static Finding refusal(Path image, ExtentFiles extents) throws IOException {
        Path out = image.resolveSibling(image.getFileName() + ".vmdk");
        try (ByteSource source = ByteSource.of(image)) {
            ConversionException e = catchThrowableOfType(ConversionException.class, () -> new Converter().convert(source, extents,
                    new FileSink(out), out.getFileName().toString(), Converter.Options.defaults(Target.VMDK).withThreads(2)));
            assertThat(e).as("a finding for " + image.getFileName()).isNotNull();
            assertThat(out).doesNotExist();
            try (var leftovers = Files.list(image.getParent())) {
                assertThat(leftovers.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".partial"));
            }
            return e.finding();
        }
    }
}
