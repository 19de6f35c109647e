package dev.vm2ami.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.convert.Converter;
import dev.vm2ami.image.convert.FileSink;
import dev.vm2ami.image.convert.ImageOpener;
import dev.vm2ami.image.convert.Target;
import dev.vm2ami.image.read.ByteSource;
import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.sampleimages.Containers;
import dev.vm2ami.sampleimages.ConvertibleImages;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The formats EC2 refuses, end to end on the local cloud under IAM enforcement: each is converted in the
 * convert function (the Lambda engine), the converted disk inspected and imported, and the notification
 * carries the conversion; the converted disk is the uploaded one's, byte for byte. Images the pre-flight
 * can tell will not convert are rejected with their finding, and nothing is converted.
 */
@ExtendWith(LocalCloudExtension.class)
class ConversionScenariosTest {
    static final Duration LIMIT = Duration.ofSeconds(240);
    static final byte[] DISK = SampleImages.rawWithLinuxPartition(4 << 20);
    static final Map<String, byte[]> CONVERTIBLE = new LinkedHashMap<>();
    static final Map<String, String> REFUSED = new LinkedHashMap<>();
    static PipelineHarness harness;

    static {
        SparseImage disk = SparseImage.of(DISK);
        CONVERTIBLE.put("kvm/web.qcow2", ConvertibleImages.qcow2(disk, false).toByteArray());
        CONVERTIBLE.put("kvm/packer-compressed.qcow2", ConvertibleImages.qcow2(disk, true).toByteArray());
        CONVERTIBLE.put("vbox/desktop.vdi", ConvertibleImages.vdi(disk).toByteArray());
        CONVERTIBLE.put("workstation/dev box.vmdk", Containers.vmdk(disk, Containers.VmdkOptions.MONOLITHIC_SPARSE).toByteArray());
        CONVERTIBLE.put("dumps/disk.raw.gz", ConvertibleImages.gzip(DISK));
        CONVERTIBLE.put("dumps/disk.img.xz", compressed(DISK, out -> new org.tukaani.xz.XZOutputStream(out, new org.tukaani.xz.LZMA2Options())));
        CONVERTIBLE.put("dumps/disk.zst", compressed(DISK, com.github.luben.zstd.ZstdOutputStream::new));
        REFUSED.put("kvm/overlay.qcow2", "QCOW2_BACKING_FILE");
        REFUSED.put("kvm/secret.qcow2", "QCOW2_ENCRYPTED");
        REFUSED.put("kvm/cut.qcow2", "IMAGE_TRUNCATED");
    }

    interface Compressor {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    static byte[] compressed(byte[] data, Compressor compressor) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream z = compressor.wrap(bytes)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A qcow2 whose header names a backing file (a snapshot overlay, as qemu-img create -b writes it). */
    static byte[] withBackingFile() {
        byte[] image = ConvertibleImages.qcow2(SparseImage.of(DISK), false).toByteArray();
        byte[] name = "base.qcow2".getBytes();
        System.arraycopy(name, 0, image, 0x200, name.length);
        ByteBuffer.wrap(image).putLong(8, 0x200).putInt(16, name.length);
        return image;
    }

    /** A LUKS-encrypted qcow2 (crypt_method 2). */
    static byte[] encrypted() {
        byte[] image = ConvertibleImages.qcow2(SparseImage.of(DISK), false).toByteArray();
        ByteBuffer.wrap(image).putInt(32, 2);
        return image;
    }

    /** An upload cut short: the last data clusters are missing. */
    static byte[] truncated() {
        byte[] image = ConvertibleImages.qcow2(SparseImage.of(DISK), false).toByteArray();
        return Arrays.copyOf(image, image.length - 100_000);
    }

    @BeforeAll
    static void dropAll(LocalCloud cloud) {
        harness = new PipelineHarness(cloud);
        CONVERTIBLE.forEach((key, image) -> harness.drop(key, image, null));
        harness.drop("kvm/overlay.qcow2", withBackingFile(), null);
        harness.drop("kvm/secret.qcow2", encrypted(), null);
        harness.drop("kvm/cut.qcow2", truncated(), null);
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"kvm/web.qcow2", "kvm/packer-compressed.qcow2", "vbox/desktop.vdi", "workstation/dev box.vmdk",
            "dumps/disk.raw.gz", "dumps/disk.img.xz", "dumps/disk.zst"})
    void isConvertedInLambdaImportedAndItsConvertedDiskIsTheUploadedOne(String key) throws Exception {
        Notifications.Received n = harness.awaitNotification(key, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
        JsonNode c = n.body().path("conversion");
        assertThat(c.path("engine").asText()).isEqualTo("lambda");
        assertThat(c.path("to").asText()).isEqualTo("stream-optimized VMDK");
        assertThat(c.path("bucket").asText()).isEqualTo(harness.pipeline().bucket());
        assertThat(c.path("key").asText()).isEqualTo("converted/" + key + ".vmdk");
        assertThat(c.path("bytesRead").asLong()).isPositive();
        assertThat(c.path("seconds").asDouble()).isNotNegative();
        assertThat(n.body().path("source").path("key").asText()).as("the notification names the upload").isEqualTo(key);
        assertThat(n.body().path("os").path("distribution").asText()).as("the converted disk's OS was inspected").isNotEmpty();

        byte[] vmdk = harness.cloud().clients().s3().getObjectAsBytes(r -> r.bucket(harness.pipeline().bucket())
                .key(c.path("key").asText())).asByteArray();
        assertThat(c.path("bytesWritten").asLong()).isEqualTo(vmdk.length);
        assertThat(asRaw(vmdk)).as("the converted disk, byte for byte").isEqualTo(DISK);
        var tags = harness.cloud().clients().s3().getObjectTagging(r -> r.bucket(harness.pipeline().bucket())
                .key(c.path("key").asText())).tagSet();
        assertThat(tags).anySatisfy(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("vm2ami:source-key=" + key));
        assertThat(harness.importTasksFor(c.path("key").asText())).as("ImportImage read the converted object").hasSize(1);
        assertThat(harness.notificationsFor(key)).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"kvm/overlay.qcow2", "kvm/secret.qcow2", "kvm/cut.qcow2"})
    void aQcow2ThatCannotBeConvertedIsRejectedWithItsFindingAndNothingIsConverted(String key) {
        Notifications.Received n = harness.awaitNotification(key, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("REJECTED");
        assertThat(n.body().path("findings")).extracting(f -> f.path("code").asText()).contains(REFUSED.get(key));
        assertThat(n.body().has("conversion")).isFalse();
        assertThat(harness.cloud().clients().s3().listObjectsV2(r -> r.bucket(harness.pipeline().bucket()).prefix("converted/" + key))
                .contents()).isEmpty();
    }

    @Test
    void aConvertedImageStartsNoExecutionOfItsOwn() {
        for (String key : CONVERTIBLE.keySet()) harness.awaitNotification(key, LIMIT);
        for (String key : REFUSED.keySet()) harness.awaitNotification(key, LIMIT);

        List<String> executions = harness.cloud().clients().sfn().listExecutions(r -> r.stateMachineArn(harness.pipeline().stateMachineArn())
                .maxResults(1000)).executions().stream().map(e -> e.name()).toList();
        assertThat(executions).hasSize(CONVERTIBLE.size() + REFUSED.size());
        for (String key : CONVERTIBLE.keySet()) assertThat(harness.notificationsFor("converted/" + key + ".vmdk")).isEmpty();
    }

    /** The converted VMDK as a raw disk: by qemu-img when installed (an independent reader), else by vm2ami's own. */
    static byte[] asRaw(byte[] vmdk) throws Exception {
        Path dir = Files.createTempDirectory("converted");
        Path in = Files.write(dir.resolve("c.vmdk"), vmdk);
        Path out = dir.resolve("c.raw");
        if (Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "qemu-img")))) {
            Process p = new ProcessBuilder("qemu-img", "convert", "-f", "vmdk", "-O", "raw", in.toString(), out.toString())
                    .redirectErrorStream(true).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
        } else {
            try (ByteSource source = ByteSource.of(in);
                 ImageOpener.Opened opened = ImageOpener.open(source, ExtentFiles.NONE, ImageOpener.Options.defaults())) {
                new Converter().convert(opened, new FileSink(out), "c.raw", Converter.Options.defaults(Target.RAW));
            }
        }
        byte[] raw = Files.readAllBytes(out);
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        }
        Files.delete(dir);
        return raw;
    }
}
