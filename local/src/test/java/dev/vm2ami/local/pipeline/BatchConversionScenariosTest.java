package dev.vm2ami.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.testing.LocalCloudExtension;
import dev.vm2ami.local.testing.PipelineHarness;
import dev.vm2ami.sampleimages.ConvertibleImages;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Map;

import static dev.vm2ami.local.pipeline.ConversionScenariosTest.DISK;
import static dev.vm2ami.local.pipeline.ConversionScenariosTest.LIMIT;
import static dev.vm2ami.local.pipeline.ConversionScenariosTest.asRaw;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch engine end to end: with {@code conversionLambdaMaxBytes} set below these images' sizes, the
 * state machine submits each conversion to AWS Batch (batch:submitJob.sync), which the local cloud runs as
 * a process of the container's entry point (ConvertMain) with the job role's credentials; the converted
 * disk is inspected and imported as after the Lambda engine. A job that fails ends the image FAILED, with
 * one notification that carries the job's reason.
 */
@ExtendWith(LocalCloudExtension.class)
class BatchConversionScenariosTest {
    static final String CUT = "dumps/cut.raw.gz";
    static PipelineHarness harness;

    @BeforeAll
    static void dropAll(LocalCloud cloud) {
        harness = new PipelineHarness(cloud, Map.of("conversionLambdaMaxBytes", 1000));
        SparseImage disk = SparseImage.of(DISK);
        harness.drop("kvm/big.qcow2", ConvertibleImages.qcow2(disk, false).toByteArray(), null);
        harness.drop("vbox/big.vdi", ConvertibleImages.vdi(disk).toByteArray(), null);
        // Cut inside the compressed stream: the pre-flight reads only its start, the converter finds the end missing.
        byte[] gz = ConvertibleImages.gzip(DISK);
        harness.drop(CUT, Arrays.copyOf(gz, gz.length / 2), null);
    }

    @AfterAll
    static void close() {
        harness.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"kvm/big.qcow2", "vbox/big.vdi"})
    void isConvertedOnBatchImportedAndItsConvertedDiskIsTheUploadedOne(String key) throws Exception {
        Notifications.Received n = harness.awaitNotification(key, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("SUCCEEDED");
        JsonNode c = n.body().path("conversion");
        assertThat(c.path("engine").asText()).isEqualTo("batch");
        assertThat(c.path("batchJobId").asText()).isNotEmpty();
        assertThat(c.path("key").asText()).isEqualTo("converted/" + key + ".vmdk");
        assertThat(c.path("bytesRead").asLong()).isPositive();
        assertThat(c.path("seconds").asDouble()).isPositive();
        assertThat(n.body().path("os").path("distribution").asText()).as("the converted disk's OS was inspected").isNotEmpty();
        byte[] vmdk = harness.cloud().clients().s3().getObjectAsBytes(r -> r.bucket(harness.pipeline().bucket())
                .key(c.path("key").asText())).asByteArray();
        assertThat(c.path("bytesWritten").asLong()).isEqualTo(vmdk.length);
        assertThat(asRaw(vmdk)).as("the converted disk, byte for byte").isEqualTo(DISK);
        assertThat(harness.importTasksFor(c.path("key").asText())).as("ImportImage read the converted object").hasSize(1);
        assertThat(harness.notificationsFor(key)).hasSize(1);
        System.out.printf("batch conversion of %s: %.3f s in the converter%n", key, c.path("seconds").asDouble());
    }

    @Test
    void aJobThatFailsEndsTheImageFailedWithOneNotificationCarryingTheJobsReason() {
        Notifications.Received n = harness.awaitNotification(CUT, LIMIT);

        assertThat(n.status()).as(n.body().toPrettyString()).isEqualTo("FAILED");
        JsonNode error = n.body().path("error");
        assertThat(error.path("message").asText()).as(error.toPrettyString())
                .startsWith("The conversion job ").contains("on AWS Batch failed: Essential container in task exited")
                .contains("cannot be converted").contains("(exit status 2)");
        assertThat(error.path("category").asText()).isEqualTo("CLIENT_ERROR");
        assertThat(n.body().path("conversion").path("engine").asText()).isEqualTo("batch");
        assertThat(harness.notificationsFor(CUT)).hasSize(1);
        assertThat(harness.importTasksFor("converted/" + CUT + ".vmdk")).isEmpty();
    }
}
