package dev.vm2ami.image.verdict;

import dev.vm2ami.image.container.DiskFormat;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.read.ByteRangeReader;
import dev.vm2ami.sampleimages.Containers;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class FormatDetectionTest {

    @Test
    void detectsARawDiskFromItsBytesWhateverItsName() {
        InspectionReport report = Inspect.image(Disks.linuxMbr(), "export.bin");

        assertThat(report.format()).isEqualTo(DiskFormat.RAW);
        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void warnsWhenTheExtensionDisagreesWithTheContent() {
        InspectionReport report = Inspect.image(Containers.vhdx(Disks.linuxMbr()), "server.vhd");

        assertThat(report.format()).isEqualTo(DiskFormat.VHDX);
        assertThat(report.verdict()).isEqualTo(Verdict.WARN);
        Finding f = report.findings().get(0);
        assertThat(f.code()).isEqualTo("EXTENSION_MISMATCH");
        assertThat(f.message()).contains(".vhd").contains("VHDX");
        assertThat(f.fix()).contains(".vhdx");
    }

    @Test
    void rejectsAnEmptyImage() {
        InspectionReport report = Inspect.bytes(new byte[0], "disk.raw");

        assertThat(Inspect.codes(report)).containsExactly("EMPTY_IMAGE");
        assertThat(report.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(report.findings().get(0).fix()).contains("disk-image-size=0");
    }

    @Test
    void namesAQcow2AndWhatIsWrongWithItsHeader() {
        byte[] qcow2 = new byte[4096];
        System.arraycopy(new byte[]{'Q', 'F', 'I', (byte) 0xFB, 0, 0, 0, 3}, 0, qcow2, 0, 8);

        InspectionReport report = Inspect.bytes(qcow2, "disk.qcow2");

        assertThat(report.format()).isEqualTo(DiskFormat.QCOW2);
        assertThat(report.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(Inspect.codes(report)).containsExactly("QCOW2_CORRUPT");
        assertThat(report.findings().get(0).message()).contains("cluster size");
    }

    @Test
    void rejectsAVirtualBoxVdi() {
        byte[] vdi = new byte[4096];
        System.arraycopy("<<< Oracle VM VirtualBox Disk Image >>>\n".getBytes(StandardCharsets.US_ASCII), 0, vdi, 0, 40);
        vdi[64] = 0x7F;
        vdi[65] = 0x10;
        vdi[66] = (byte) 0xDA;
        vdi[67] = (byte) 0xBE;

        InspectionReport report = Inspect.bytes(vdi, "disk.vdi");

        assertThat(report.findings().get(0).message()).contains("VDI");
        assertThat(report.verdict()).isEqualTo(Verdict.REJECT);
    }

    @Test
    void rejectsAnIsoImageEvenWhenItCarriesAnMbr() {
        byte[] iso = SampleImages.rawWithLinuxPartition(64 * 1024); // isohybrid images have an MBR too
        System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, iso, 32769, 5);

        InspectionReport report = Inspect.bytes(iso, "ubuntu.img");

        assertThat(Inspect.codes(report)).containsExactly("UNSUPPORTED_FORMAT");
        assertThat(report.findings().get(0).message()).contains("ISO 9660");
    }

    @Test
    void convertsAGzippedRawDisk() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(SampleImages.rawWithLinuxPartition(64 * 1024));
        }

        InspectionReport report = Inspect.bytes(gz.toByteArray(), "disk.raw.gz");

        assertThat(report.verdict()).isEqualTo(Verdict.CONVERT);
        assertThat(report.format()).isEqualTo(DiskFormat.RAW);
        assertThat(report.findings()).isEmpty();
        assertThat(report.conversion()).contains(new InspectionReport.ConversionPlan("gzip-compressed raw", "stream-optimized VMDK", true));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"xz, FD377A585A00", "zstd, 28B52FFD"})
    void aCompressedImageWithNothingValidAfterItsMagicIsAFinding(String name, String magicHex) {
        byte[] data = new byte[4096];
        byte[] magic = java.util.HexFormat.of().parseHex(magicHex);
        System.arraycopy(magic, 0, data, 0, magic.length);

        InspectionReport report = Inspect.bytes(data, "disk.img." + name);

        assertThat(report.verdict()).isEqualTo(Verdict.REJECT);
        assertThat(Inspect.codes(report)).containsExactly("COMPRESSED_STREAM_CORRUPT");
        assertThat(report.findings().get(0).message()).contains(name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"bzip2, 425A6839", "zip, 504B0304", "7-Zip, 377ABCAF271C"})
    void rejectsOtherArchivesNamingTheirCompression(String name, String magicHex) {
        byte[] data = new byte[4096];
        byte[] magic = java.util.HexFormat.of().parseHex(magicHex);
        System.arraycopy(magic, 0, data, 0, magic.length);

        InspectionReport report = Inspect.bytes(data, "disk.vmdk");

        assertThat(Inspect.codes(report)).containsExactly("COMPRESSED_IMAGE");
        assertThat(report.findings().get(0).message()).contains(name);
    }

    @Test
    void rejectsATextFile() {
        InspectionReport report = Inspect.bytes("<html><body>AccessDenied</body></html>\n".getBytes(StandardCharsets.US_ASCII), "disk.raw");

        assertThat(Inspect.codes(report)).containsExactly("TEXT_FILE");
    }

    @Test
    void rejectsAnOvfDescriptorUploadedWithoutItsDisks() {
        byte[] ovf = ("<?xml version=\"1.0\"?>\n<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\">"
                + "<References/></Envelope>\n").getBytes(StandardCharsets.US_ASCII);

        InspectionReport report = Inspect.bytes(ovf, "vm.ovf");

        assertThat(Inspect.codes(report)).containsExactly("OVF_DESCRIPTOR_ONLY");
        assertThat(report.findings().get(0).fix()).contains("OVA");
    }

    @Test
    void rejectsBytesOfNoKnownFormat() {
        byte[] noise = new byte[8192];
        new java.util.Random(7).nextBytes(noise);
        noise[510] = 0; // no MBR signature by chance

        InspectionReport report = Inspect.bytes(noise, "disk.bin");

        assertThat(report.format()).isEqualTo(DiskFormat.UNKNOWN);
        assertThat(Inspect.codes(report)).containsExactly("UNKNOWN_FORMAT");
    }

    @Test
    void takesHeaderlessBytesNamedRawAsARawDiskWithoutPartitions() {
        InspectionReport report = Inspect.bytes(SampleImages.rawWithoutPartitionTable(64 * 1024), "blank.raw");

        assertThat(report.format()).isEqualTo(DiskFormat.RAW);
        assertThat(Inspect.codes(report)).containsExactly("NO_PARTITION_TABLE");
        assertThat(report.findings().get(0).message()).contains("No valid partitions. Not a valid volume.");
    }

    @Test
    void reportsASourceThatCannotBeReadInsteadOfThrowing() {
        ByteRangeReader failing = new ByteRangeReader() {
            public long size() {
                return 1 << 20;
            }

            public byte[] read(long offset, int length) throws IOException {
                throw new IOException("connection reset");
            }

            public long bytesRead() {
                return 0;
            }

            public int rangeRequests() {
                return 1;
            }
        };

        InspectionReport report = new ImageInspector().inspect(failing, new InspectionRequest("disk.raw", null));

        assertThat(Inspect.codes(report)).containsExactly("UNREADABLE");
        assertThat(report.findings().get(0).message()).contains("connection reset");
    }

    @Test
    void reportsASourceFailingWithAnUncheckedExceptionAsUnreadable() {
        SparseImage image = Disks.linuxMbr();
        ByteRangeReader sdkLike = new ByteRangeReader() {
            public long size() {
                return image.length();
            }

            public byte[] read(long offset, int length) {
                throw new IllegalStateException("Access Denied (Service: S3, Status Code: 403)");
            }

            public long bytesRead() {
                return 0;
            }

            public int rangeRequests() {
                return 0;
            }
        };

        InspectionReport report = new ImageInspector().inspect(sdkLike, new InspectionRequest("disk.raw", null));

        assertThat(Inspect.codes(report)).containsExactly("UNREADABLE");
        assertThat(report.findings().get(0).message()).contains("Access Denied");
    }
}
