package dev.vm2ami.image.convert;

import dev.vm2ami.image.container.Compression;
import dev.vm2ami.image.container.ConvertibleImage;
import dev.vm2ami.image.container.DiskFormat;
import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.finding.ConversionException;
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
import static dev.vm2ami.image.convert.Tools.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What pre-flight inspection learns of a convertible image from its headers and tables, reading little of it. */
class RecognitionTest {
    private static final long SIZE = 24 * MIB;

    @TempDir
    static Path dir;

    @BeforeAll
    static void sourceDisk() throws IOException {
        Tools.disk(dir, "src.raw", SIZE);
    }

    @ParameterizedTest(name = "{0} is {2}")
    @CsvSource(delimiter = '|', textBlock = """
            qcow2            | qemu-img convert -O qcow2 src.raw r.qcow2                                 | qcow2 v3                                  | r.qcow2
            qcow2 compressed | qemu-img convert -c -O qcow2 -o compat=0.10 src.raw rc.qcow2             | qcow2 v2                                  | rc.qcow2
            VDI              | qemu-img convert -O vdi -o static=on src.raw r.vdi                       | VDI (fixed)                               | r.vdi
            monolithicSparse | qemu-img convert -O vmdk src.raw r.vmdk                                  | VMDK (monolithicSparse)                   | r.vmdk
            gzip qcow2       | qemu-img convert -O qcow2 src.raw g.qcow2 && gzip -k g.qcow2             | gzip-compressed qcow2 v3                  | g.qcow2.gz
            zstd VDI         | qemu-img convert -O vdi src.raw z.vdi && zstd -q -k z.vdi                | zstd-compressed VDI (dynamic)             | z.vdi.zst
            xz VMDK          | qemu-img convert -O vmdk src.raw x.vmdk && xz -1 -k x.vmdk               | xz-compressed VMDK (monolithicSparse)     | x.vmdk.xz
            """)
    void saysWhatAConvertibleImageIsAndItsSize(String what, String make, String from, String file) throws Exception {
        require("qemu-img", "gzip", "xz", "zstd");
        sh(dir, make);

        try (ByteSource source = ByteSource.of(dir.resolve(file))) {
            ConvertibleImage.Recognition r = ConvertibleImage.recognize(source, ExtentFiles.NONE, 64);

            assertThat(r.from()).isEqualTo(from);
            assertThat(r.virtualSize()).isEqualTo(SIZE);
            assertThat(source.bytesRead()).as("bytes read to recognize it").isLessThan(Math.min(Files.size(dir.resolve(file)), 1536 * 1024));
        }
    }

    @Test
    void aCompressedRawImageHasNoSizeUntilItsEnd() throws Exception {
        require("xz");
        sh(dir, "xz -1 -c src.raw > src.img.xz");

        try (ByteSource source = ByteSource.of(dir.resolve("src.img.xz"))) {
            ConvertibleImage.Recognition r = ConvertibleImage.recognize(source, ExtentFiles.NONE, 64);
            assertThat(r.from()).isEqualTo("xz-compressed raw");
            assertThat(r.format()).isEqualTo(DiskFormat.RAW);
            assertThat(r.virtualSize()).isEqualTo(-1);
            assertThat(r.compression()).contains(Compression.XZ);
        }
    }

    @ParameterizedTest(name = "{0} cut to {2}% -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            qcow2                 | qemu-img convert -O qcow2 src.raw t.qcow2              | t.qcow2     | 60 | IMAGE_TRUNCATED
            compressed qcow2      | qemu-img convert -c -O qcow2 src.raw tc.qcow2          | tc.qcow2    | 80 | IMAGE_TRUNCATED
            dynamic VDI           | qemu-img convert -O vdi src.raw t.vdi                  | t.vdi       | 60 | IMAGE_TRUNCATED
            monolithicSparse VMDK | qemu-img convert -O vmdk src.raw t.vmdk                | t.vmdk      | 60 | IMAGE_TRUNCATED
            xz                    | xz -1 -c src.raw > t.raw.xz                            | t.raw.xz    | 90 | COMPRESSED_STREAM_CORRUPT
            """)
    void aCutOffImageIsFoundFromItsTables(String what, String make, String file, int percent, String code) throws Exception {
        require("qemu-img", "xz");
        sh(dir, make);
        Path image = dir.resolve(file);
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(Files.size(image) * percent / 100);
        }

        assertThat(refusal(image, ExtentFiles.NONE)).isEqualTo(code);
    }

    @Test
    void aBackingFileIsFoundEvenInsideACompressedImage() throws Exception {
        require("qemu-img", "gzip");
        sh(dir, "qemu-img convert -O qcow2 src.raw base.qcow2 && qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 top.qcow2 && gzip -k top.qcow2");

        assertThat(refusal(dir.resolve("top.qcow2.gz"), ExtentFiles.NONE)).isEqualTo("QCOW2_BACKING_FILE");
    }

    @Test
    void aSplitVmdkNeedsEveryExtent() throws Exception {
        require("qemu-img");
        Path split = Files.createDirectory(dir.resolve("split"));
        sh(split, "qemu-img create -q -f vmdk -o subformat=twoGbMaxExtentSparse s.vmdk 3G && rm s-s002.vmdk");

        assertThat(refusal(split.resolve("s.vmdk"), ExtentFiles.beside(split))).isEqualTo("VMDK_EXTENT_MISSING");
    }

    private static String refusal(Path image, ExtentFiles extents) throws IOException {
        try (ByteSource source = ByteSource.of(image)) {
            ConversionException e = catchThrowableOfType(ConversionException.class, () -> ConvertibleImage.recognize(source, extents, 64));
            assertThat(e).as("a finding for " + image.getFileName()).isNotNull();
            return e.finding().code();
        }
    }
}
