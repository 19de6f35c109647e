package dev.vm2ami.notify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.job.AmiDecision;
import dev.vm2ami.job.FailureCategory;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Json;
import dev.vm2ami.job.TaskDecision;
import dev.vm2ami.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationComposerTest {
    final NotificationComposer composer = new NotificationComposer();
    final Instant now = Instant.parse("2026-11-23T10:31:40Z");

    static JsonNode body(ImportJob job) throws Exception {
        return Json.MAPPER.readTree(job.notification().message());
    }

    ImportJob succeeded() {
        ImportJob job = Fixtures.job("events/jobs/after-submit.json");
        ImportJob.TaskStatus t = job.task();
        return job.withTask(new ImportJob.TaskStatus(t.importTaskId(), "completed", null, null, "ami-0intermediate",
                        List.of("snap-0old"), List.of(new ImportJob.StageSeen("pending", "2026-11-23T10:00:35Z", 2),
                        new ImportJob.StageSeen("completed", "2026-11-23T10:31:00Z", 100)), t.lastChangeAt(), TaskDecision.FINISH, 0,
                        null, null, 12, 0))
                .withAmi(new ImportJob.AmiResult("ami-0named", "web-01-20261123-100000", "us-east-1", List.of("snap-0new"),
                        "ami-0intermediate", AmiDecision.DONE, 0));
    }

    @Test
    void namesThePathOfTheImportAndOfEachAttempt() throws Exception {
        ImportJob job = succeeded();
        ImportJob.TaskStatus t = job.task();
        ImportJob snapshot = job.withTask(new ImportJob.TaskStatus("import-snap-0b2", "completed", null, null, null, List.of("snap-0new"),
                        t.stages(), t.lastChangeAt(), TaskDecision.FINISH, 0, null, null, 3, 0))
                .withAttempts(List.of(new ImportJob.Attempt(1, "import-ami-0a1", "2026-11-23T10:00:05Z", "2026-11-23T10:10:00Z",
                                "CLIENT_ERROR", "ClientError: Unknown OS / Missing OS files."),
                        new ImportJob.Attempt(2, "import-snap-0b2", "2026-11-23T10:10:05Z", "2026-11-23T10:20:00Z", "COMPLETED", null)));

        JsonNode image = body(composer.compose(job, now));
        JsonNode b = body(composer.compose(snapshot, now));

        assertThat(image.path("importPath").asText()).isEqualTo("image");
        assertThat(b.path("importPath").asText()).isEqualTo("snapshot");
        assertThat(b.path("importTaskId").asText()).isEqualTo("import-snap-0b2");
        assertThat(b.path("attempts")).extracting(a -> a.path("importPath").asText()).containsExactly("image", "snapshot");
        assertThat(b.path("retried").asBoolean()).isTrue();
    }

    @Test
    void aSuccessCarriesTheAmiItsSnapshotsTheDurationAndTheStageTimeline() throws Exception {
        ImportJob job = composer.compose(succeeded(), now);

        JsonNode b = body(job);
        assertThat(b.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(b.path("source").path("key").asText()).isEqualTo("disks/web-01.vmdk");
        assertThat(b.path("source").path("versionId").asText()).isEqualTo("3HL4kqtJlcpXroDTDmjVBH40Nrjfkd");
        assertThat(b.path("imageId").asText()).isEqualTo("ami-0named");
        assertThat(b.path("imageName").asText()).isEqualTo("web-01-20261123-100000");
        assertThat(b.path("snapshotIds").get(0).asText()).isEqualTo("snap-0new");
        assertThat(b.path("importTaskId").asText()).isEqualTo("import-ami-0a1b2c3d4e5f67890");
        assertThat(b.path("durationSeconds").asLong()).isEqualTo(31 * 60 + 40);
        assertThat(b.path("stages")).extracting(s -> s.path("stage").asText()).containsExactly("pending", "completed");
        assertThat(b.has("error")).isFalse();
        assertThat(job.notification().subject()).isEqualTo("vm2ami: web-01.vmdk is ami-0named");
        assertThat(job.notification().messageAttributes()).containsOnlyKeys("status", "format", "team");
        assertThat(job.notification().messageAttributes().get("team").stringValue()).isEqualTo("platform");
    }

    @Test
    void aRejectionCarriesTheFindingsWithTheirFixesAndNoImportTask() throws Exception {
        ImportJob job = composer.compose(Fixtures.job("events/jobs/rejected.json"), now);

        JsonNode b = body(job);
        assertThat(job.notification().status()).isEqualTo("REJECTED");
        assertThat(b.path("findings").get(0).path("code").asText()).isEqualTo("UNKNOWN_FORMAT");
        assertThat(b.path("findings").get(0).path("fix").asText()).contains("OVA");
        assertThat(b.has("importTaskId")).isFalse();
        assertThat(job.notification().subject()).isEqualTo("vm2ami: notes.vmdk rejected: UNKNOWN_FORMAT");
        assertThat(job.notification().messageAttributes().get("status").stringValue()).isEqualTo("REJECTED");
    }

    @Test
    void aRejectionByTheOsInspectionCarriesTheOsFoundAndItsBootMode() throws Exception {
        ImportJob job = composer.compose(Fixtures.job("events/jobs/rejected-32-bit.json"), now);

        JsonNode b = body(job);
        assertThat(job.notification().subject()).isEqualTo("vm2ami: old-app.raw rejected: LINUX_32_BIT");
        assertThat(b.path("os").path("distribution").asText()).isEqualTo("debian");
        assertThat(b.path("os").path("version").asText()).isEqualTo("8.11");
        assertThat(b.path("os").path("architecture").asText()).isEqualTo("i386");
        assertThat(b.path("os").path("kernels").get(0).asText()).isEqualTo("3.16.0-4-686-pae");
        assertThat(b.path("os").path("fstab").path("entries").get(0).path("reference").asText()).isEqualTo("UUID");
        assertThat(b.path("os").path("drivers").path("ena").asBoolean()).isFalse();
        assertThat(b.path("os").has("edition")).as("Windows-only fields are left out for Linux").isFalse();
        assertThat(b.path("bootMode").asText()).isEqualTo("legacy-bios");
    }

    @Test
    void aFailureCarriesItsCategoryTheAwsMessageAndTheHint() throws Exception {
        ImportJob failed = Fixtures.job("events/jobs/after-submit.json").withFailure(new ImportJob.Failure(FailureCategory.CLIENT_ERROR,
                "EC2 did not recognise the operating system on the image.", "Import only a supported 64-bit OS.",
                "ClientError: Unknown OS / Missing OS files."));

        ImportJob job = composer.compose(failed, now);

        JsonNode error = body(job).path("error");
        assertThat(error.path("category").asText()).isEqualTo("CLIENT_ERROR");
        assertThat(error.path("awsMessage").asText()).isEqualTo("ClientError: Unknown OS / Missing OS files.");
        assertThat(error.path("hint").asText()).isNotBlank();
        assertThat(job.notification().messageAttributes().get("category").stringValue()).isEqualTo("CLIENT_ERROR");
        assertThat(job.notification().subject()).isEqualTo("vm2ami: web-01.vmdk failed: CLIENT_ERROR");
    }

    @Test
    void aStepThatFailedForGoodIsReportedWithTheErrorStepFunctionsCaught() throws Exception {
        ImportJob job = composer.compose(Fixtures.job("events/jobs/caught-fault.json"), now);

        JsonNode error = body(job).path("error");
        assertThat(job.notification().status()).isEqualTo("FAILED");
        assertThat(error.path("category").asText()).isEqualTo("INTERNAL");
        assertThat(error.path("message").asText()).contains("submit step failed").contains("We encountered an internal error");
    }

    static ImportJob.Conversion conversion(String engine) {
        return new ImportJob.Conversion("qcow2 v3", "stream-optimized VMDK", "vmdk", engine, "vm2ami-images",
                "converted/disks/web-01.qcow2.vmdk", 1L << 30, List.of("--from", "s3://vm2ami-images/disks/web-01.qcow2"),
                null, null, null, null, null, null, null);
    }

    @Test
    void aConvertedImageCarriesTheConversionAndKeepsTheUploadAsItsSource() throws Exception {
        ImportJob job = composer.compose(succeeded().withConversion(conversion("lambda").done(700_000_000L, 350_000_000L, 12.5)
                .stored(350_000_000L, "cv1", "etag")), now);

        JsonNode body = body(job);
        assertThat(body.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(body.path("source").path("key").asText()).isEqualTo("disks/web-01.vmdk");
        JsonNode c = body.path("conversion");
        assertThat(c.path("from").asText()).isEqualTo("qcow2 v3");
        assertThat(c.path("to").asText()).isEqualTo("stream-optimized VMDK");
        assertThat(c.path("bucket").asText()).isEqualTo("vm2ami-images");
        assertThat(c.path("key").asText()).isEqualTo("converted/disks/web-01.qcow2.vmdk");
        assertThat(c.path("engine").asText()).isEqualTo("lambda");
        assertThat(c.path("bytesRead").asLong()).isEqualTo(700_000_000L);
        assertThat(c.path("bytesWritten").asLong()).isEqualTo(350_000_000L);
        assertThat(c.path("seconds").asDouble()).isEqualTo(12.5);
    }

    @Test
    void aFailedBatchJobIsOneFailureWithTheJobsReason() throws Exception {
        String cause = "{\"JobId\":\"4e8b-job\",\"JobName\":\"web-01\",\"Status\":\"FAILED\","
                + "\"StatusReason\":\"Essential container in task exited\",\"Container\":{\"ExitCode\":1,"
                + "\"Reason\":\"OutOfMemoryError: Container killed due to memory usage\"}}";
        ImportJob job = Fixtures.job("events/jobs/after-inspect.json").withConversion(conversion("batch"))
                .withFailure(null);
        job = new ImportJob(job.executionName(), job.receivedAt(), job.source(), job.timing(), null, job.image(), job.inspection(),
                null, List.of(), null, null, null, new ImportJob.Fault("States.TaskFailed", cause), null, null, job.conversion());

        ImportJob composed = composer.compose(job, now);

        JsonNode body = body(composed);
        assertThat(body.path("status").asText()).isEqualTo("FAILED");
        assertThat(body.path("error").path("category").asText()).isEqualTo("INTERNAL");
        assertThat(body.path("error").path("message").asText()).contains("conversion job 4e8b-job on AWS Batch failed")
                .contains("Essential container in task exited").contains("OutOfMemoryError").contains("exit status 1");
        assertThat(body.path("conversion").path("engine").asText()).isEqualTo("batch");
        assertThat(body.path("conversion").has("bytesWritten")).isFalse();
        assertThat(composed.notification().messageAttributes().get("category").stringValue()).isEqualTo("INTERNAL");
    }

    @Test
    void aBatchJobTheConverterRefusedIsAClientError() throws Exception {
        String cause = "{\"jobId\":\"j-2\",\"status\":\"FAILED\",\"statusReason\":\"Essential container in task exited\","
                + "\"container\":{\"exitCode\":2}}";
        ImportJob job = Fixtures.job("events/jobs/after-inspect.json").withConversion(conversion("batch"));
        job = new ImportJob(job.executionName(), job.receivedAt(), job.source(), job.timing(), null, job.image(), job.inspection(),
                null, List.of(), null, null, null, new ImportJob.Fault("States.TaskFailed", cause), null, null, job.conversion());

        JsonNode error = body(composer.compose(job, now)).path("error");

        assertThat(error.path("category").asText()).isEqualTo("CLIENT_ERROR");
        assertThat(error.path("message").asText()).contains("j-2").contains("exit status 2").contains("cannot be converted");
    }

    @Test
    void aDistributedImageSaysWhereItWentAndAFailedCopyKeepsItSucceeded() throws Exception {
        ImportJob job = succeeded().withDistribution(new ImportJob.Distribution(
                new dev.vm2ami.config.DistributionOptions.ShareWith(List.of("111122223333"), List.of(), List.of()),
                "/images/web-01/latest", "2027-02-21T10:31:00Z", "v2.0",
                List.of(new ImportJob.RegionCopy("eu-west-1", "ami-0eu", ImportJob.RegionCopy.AVAILABLE, null, 0),
                        new ImportJob.RegionCopy("ap-east-1", null, ImportJob.RegionCopy.FAILED, "AuthFailure: not enabled", 0)),
                "kept", "kept: the copy to ap-east-1 failed"));

        ImportJob.Notification n = composer.compose(job, now).notification();
        JsonNode body = Json.MAPPER.readTree(n.message());

        assertThat(n.status()).isEqualTo("SUCCEEDED");
        assertThat(n.subject()).endsWith("(copy to ap-east-1 failed)");
        assertThat(body.path("sharedWith").toString()).isEqualTo("{\"accounts\":[\"111122223333\"]}");
        assertThat(body.path("ssmParameter").asText()).isEqualTo("/images/web-01/latest");
        assertThat(body.path("deprecationTime").asText()).isEqualTo("2027-02-21T10:31:00Z");
        assertThat(body.path("copies")).hasSize(2);
        assertThat(body.path("copies").get(1).path("status").asText()).isEqualTo("FAILED");
        assertThat(body.path("copies").get(1).path("message").asText()).contains("AuthFailure");
        assertThat(body.path("source").path("disposition").asText()).isEqualTo("kept");
        assertThat(body.path("source").path("dispositionNote").asText()).contains("ap-east-1");
        // The job document itself carries no derived properties (what Step Functions passes between states).
        assertThat(Json.MAPPER.writeValueAsString(job)).doesNotContain("\"empty\"");
    }

    @Test
    void subjectsStayUnderSnsLimitWhateverTheKey() {
        ImportJob.SourceObject s = succeeded().source();
        ImportJob longKey = new ImportJob(succeeded().executionName(), succeeded().receivedAt(),
                new ImportJob.SourceObject(s.bucket(), "x/" + "very-long-name-".repeat(20) + "\n.vmdk", s.versionId(), s.etag(), s.size(), null, null),
                succeeded().timing(), null, succeeded().image(), succeeded().inspection(), succeeded().submission(),
                succeeded().attempts(), succeeded().task(), succeeded().ami(), null, null, null, null, null);

        String subject = composer.compose(longKey, now).notification().subject();

        assertThat(subject).hasSizeLessThan(100).doesNotContain("\n");
    }
}
