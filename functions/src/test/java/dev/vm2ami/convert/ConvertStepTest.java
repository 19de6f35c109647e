package dev.vm2ami.convert;

import dev.vm2ami.config.ConversionSettings;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.verdict.Verdict;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.sampleimages.ConvertibleImages;
import dev.vm2ami.sampleimages.DiskBuilder;
import dev.vm2ami.sampleimages.FileSystemSample;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Lambda engine: the planned conversion, from S3 to S3, recorded in the job (and in the converted object's tags). */
class ConvertStepTest {
    static final String BUCKET = "drop";
    final InMemoryS3 s3 = new InMemoryS3();
    final ConvertStep step = new ConvertStep(new ImageConversion(s3));

    static SparseImage disk() {
        return DiskBuilder.mbr(24 << 20).partition("0x83", 16 << 20, FileSystemSample.EXT4).build();
    }

    ImportJob planned(String key, byte[] image) {
        s3.put(BUCKET, key, image);
        ImportJob.SourceObject source = new ImportJob.SourceObject(BUCKET, key, null, "etag", (long) image.length, "seq", null);
        ImportJob.Conversion plan = new ImportJob.Conversion("qcow2 v3", "stream-optimized VMDK", "vmdk", "lambda", BUCKET,
                "converted/" + key + ".vmdk", (long) image.length, ConversionPlanner.command(source, "converted/" + key + ".vmdk",
                dev.vm2ami.image.convert.Target.VMDK), null, null, null, null, null, null, null);
        return ImportJob.start("exec", "2026-12-02T09:00:00Z", source, PipelineSettings.Timing.aws())
                .withInspection(new ImportJob.Inspection(Verdict.CONVERT, "QCOW2", List.of(), List.of(), 0, 0, null, null, null, false))
                .withConversion(plan);
    }

    @Test
    void convertsIntoTheConvertedPrefixAndRecordsTheFigures() {
        ImportJob job = step.run(planned("images/web.qcow2", ConvertibleImages.qcow2(disk(), true).toByteArray()));

        ImportJob.Conversion c = job.conversion();
        assertThat(c.converted()).isTrue();
        byte[] vmdk = s3.get(BUCKET, "converted/images/web.qcow2.vmdk");
        assertThat(c.bytesWritten()).isEqualTo(vmdk.length);
        assertThat(c.bytesRead()).isPositive();
        assertThat(c.seconds()).isNotNegative();
        assertThat(job.inspection().verdict()).isEqualTo(Verdict.CONVERT);
        assertThat(s3.tagSets.get(BUCKET + "/converted/images/web.qcow2.vmdk"))
                .containsEntry("vm2ami:source-key", "images/web.qcow2")
                .containsEntry("vm2ami:converted-from", "qcow2 v3")
                .containsEntry("vm2ami:conversion-bytes-read", Long.toString(c.bytesRead()))
                .containsKey("vm2ami:conversion-seconds");
    }

    @Test
    void anImageTheConverterRefusesIsRejectedWithItsFinding() {
        byte[] qcow2 = ConvertibleImages.qcow2(disk(), false).toByteArray();
        byte[] cut = java.util.Arrays.copyOf(qcow2, qcow2.length - 70_000);

        ImportJob job = step.run(planned("images/cut.qcow2", cut));

        assertThat(job.inspection().verdict()).isEqualTo(Verdict.REJECT);
        assertThat(job.inspection().findings()).extracting(Finding::code).containsExactly("IMAGE_TRUNCATED");
        assertThat(job.conversion().converted()).isFalse();
        assertThat(s3.get(BUCKET, "converted/images/cut.qcow2.vmdk")).isNull();
        assertThat(s3.openUploads()).isZero();
    }

    @Test
    void aMissingObjectFailsTheStep() {
        ImportJob job = planned("images/gone.qcow2", new byte[10]);
        s3.objects.clear();

        assertThatThrownBy(() -> step.run(job)).isInstanceOf(ConversionFailed.class).hasMessageContaining("images/gone.qcow2");
    }

    @Test
    void theHandlerTakesAndReturnsTheJobDocument() throws Exception {
        ImportJob job = planned("images/h.qcow2", ConvertibleImages.qcow2(disk(), false).toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        new ConvertImageHandler(step).handleRequest(new ByteArrayInputStream(dev.vm2ami.job.Json.MAPPER.writeValueAsBytes(job)), out, null);

        ImportJob back = dev.vm2ami.job.Json.MAPPER.readValue(out.toString(StandardCharsets.UTF_8), ImportJob.class);
        assertThat(back.conversion().bytesWritten()).isPositive();
        assertThat(ConversionSettings.defaults().isConverted(back.conversion().key())).isTrue();
    }
}
