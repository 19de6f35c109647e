package dev.vm2ami.convert;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3MultipartSinkTest {
    private static final int PART = S3MultipartSink.MIN_PART;
    private final InMemoryS3 s3 = new InMemoryS3();

    @Test
    void uploadsPartsInOrderKeepingTheFirstForLastSoItsHeaderCanBeCorrected() throws IOException {
        byte[] data = new byte[3 * PART + 12345];
        new Random(1).nextBytes(data);
        S3MultipartSink sink = new S3MultipartSink(s3, "b", "converted/x.vmdk", Map.of(), PART);

        for (int at = 0; at < data.length; at += 100_000) sink.write(data, at, Math.min(100_000, data.length - at));
        sink.patch(512, "corrected".getBytes());
        sink.finish();

        byte[] expected = data.clone();
        System.arraycopy("corrected".getBytes(), 0, expected, 512, 9);
        assertThat(s3.get("b", "converted/x.vmdk")).isEqualTo(expected);
        assertThat(s3.calls).filteredOn(c -> c.startsWith("UploadPart")).containsExactly(
                "UploadPart 2", "UploadPart 3", "UploadPart 4", "UploadPart 1");
        assertThat(sink.position()).isEqualTo(data.length);
    }

    @Test
    void aSmallOutputIsOnePart() throws IOException {
        S3MultipartSink sink = new S3MultipartSink(s3, "b", "small.vmdk", Map.of(), PART);
        sink.write(new byte[70_000], 0, 70_000);
        sink.patch(0, new byte[]{'K', 'D', 'M', 'V'});
        sink.finish();

        assertThat(s3.get("b", "small.vmdk")).hasSize(70_000).startsWith('K', 'D', 'M', 'V');
        assertThat(s3.calls).filteredOn(c -> c.startsWith("UploadPart")).containsExactly("UploadPart 1");
    }

    @Test
    void abortsTheUploadWhenAPartFailsAndLeavesNoObject() throws IOException {
        s3.failPart = n -> n == 3;
        S3MultipartSink sink = new S3MultipartSink(s3, "b", "broken.vmdk", Map.of(), PART);
        byte[] chunk = new byte[PART];

        assertThatThrownBy(() -> {
            for (int i = 0; i < 5; i++) sink.write(chunk, 0, chunk.length);
            sink.finish();
        }).isInstanceOf(IOException.class).hasMessageContaining("part 3").hasMessageContaining("broken.vmdk");
        sink.abort();

        assertThat(s3.calls).contains("AbortMultipartUpload broken.vmdk").doesNotContain("CompleteMultipartUpload broken.vmdk");
        assertThat(s3.get("b", "broken.vmdk")).isNull();
        assertThat(s3.openUploads()).isZero();
    }

    @Test
    void tagsTheObjectWithWhatS3Takes() throws IOException {
        S3MultipartSink sink = new S3MultipartSink(s3, "b", "t.vmdk",
                Map.of("vm2ami:source-key", "images/web server (1).qcow2", "vm2ami:converted-from", "qcow2 v3", "x", "a".repeat(300)), PART);
        sink.write(new byte[10], 0, 10);
        sink.finish();

        assertThat(s3.tagging.get("b/t.vmdk")).isEqualTo("vm2ami%3Aconverted-from=qcow2%20v3&vm2ami%3Asource-key=images%2Fweb%20server%20_1_.qcow2&x="
                + "a".repeat(256));
    }

    @Test
    void choosesPartsLargeEnoughForTenThousandOfThem() {
        assertThat(S3MultipartSink.partSizeFor(1L << 30)).isEqualTo(8 << 20);
        assertThat(S3MultipartSink.partSizeFor(1L << 40)).isEqualTo(105 << 20);
        long largestVmdk = (2L << 40) + (2L << 40) / 100; // 32-bit grain offsets: 2 TiB at most
        assertThat((long) S3MultipartSink.partSizeFor(largestVmdk) * S3MultipartSink.MAX_PARTS).isGreaterThanOrEqualTo(largestVmdk);
        assertThat(S3MultipartSink.partSizeFor(16L << 40)).isEqualTo(1 << 30); // capped: 10 TiB in all
    }

    @Test
    void refusesToPatchPastTheHead() throws IOException {
        S3MultipartSink sink = new S3MultipartSink(s3, "b", "p.vmdk", Map.of(), PART);
        sink.write(new byte[PART * 2], 0, PART * 2);
        assertThatThrownBy(() -> sink.patch(70_000, new byte[4])).isInstanceOf(IllegalArgumentException.class);
        sink.abort();
        assertThat(Arrays.asList(s3.calls.toArray())).doesNotContain("CompleteMultipartUpload p.vmdk");
    }
}
