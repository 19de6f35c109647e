package dev.vm2ami.intake;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Json;
import org.junit.jupiter.params.ParameterizedTest;


import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StartImportHandlerTest {
    final List<String[]> started = new ArrayList<>();
    boolean alreadyExists;
    final ExecutionStarter executions = (name, input) -> {
        started.add(new String[] {name, input});
        return !alreadyExists;
    };

    StartImportHandler handler(PipelineSettings settings) {
        return new StartImportHandler(new ImportStarter(executions, settings, dev.vm2ami.config.PipelineMetrics.instance(),
                Clock.fixed(Instant.parse("2026-11-23T09:20:12Z"), ZoneOffset.UTC)), dev.vm2ami.config.PipelineMetrics.instance());
    }

    @ParameterizedTest
    @Event(value = "events/sqs/s3-object-created-encoded-key.json", type = SQSEvent.class)
    void startsOneExecutionWithTheKeyDecodedExactlyAsStoredInS3(SQSEvent event) throws Exception {
        SQSBatchResponse response = handler(PipelineSettings.defaults()).handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(started).hasSize(1);
        ImportJob job = Json.MAPPER.readValue(started.get(0)[1], ImportJob.class);
        assertThat(job.source().key()).isEqualTo("incoming/my disk été ✓.raw");
        assertThat(job.source().versionId()).isEqualTo("Wb1Ft.0sjYo5dMOwJZ.lvpE6XZ5TnWZz");
        assertThat(job.source().size()).isEqualTo(1048576L);
        assertThat(job.executionName()).isEqualTo(started.get(0)[0]).matches("[A-Za-z0-9_-]{1,80}").startsWith("my-disk-t-");
        assertThat(job.receivedAt()).isEqualTo("2026-11-23T09:20:12Z");
        assertThat(job.timing()).isEqualTo(PipelineSettings.defaults().timing());
    }

    @ParameterizedTest
    @Event(value = "events/sqs/s3-object-created-encoded-key.json", type = SQSEvent.class)
    void aDuplicateDeliveryOfTheSameEventMapsToTheSameExecutionAndIsNotAFailure(SQSEvent event) {
        StartImportHandler handler = handler(PipelineSettings.defaults());
        handler.handleRequest(event, null);
        alreadyExists = true;

        SQSBatchResponse second = handler.handleRequest(event, null);

        assertThat(second.getBatchItemFailures()).isEmpty();
        assertThat(started).hasSize(2);
        assertThat(started.get(1)[0]).isEqualTo(started.get(0)[0]);
    }

    @ParameterizedTest
    @Event(value = "events/sqs/s3-test-event.json", type = SQSEvent.class)
    void acceptsTheS3TestEventWithoutStartingAnything(SQSEvent event) {
        SQSBatchResponse response = handler(PipelineSettings.defaults()).handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(started).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/sqs/mixed-batch.json", type = SQSEvent.class)
    void skipsFolderMarkersAndNonImagesAndReportsOnlyTheUnreadableMessageAsFailed(SQSEvent event) {
        SQSBatchResponse response = handler(PipelineSettings.defaults()).handleRequest(event, null);

        assertThat(started).extracting(s -> s[0]).singleElement().asString().startsWith("app-VHDX-");
        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("m-garbage");
    }

    @ParameterizedTest
    @Event(value = "events/sqs/convertible-and-converted.json", type = SQSEvent.class)
    void startsConvertibleImagesButNotWhatThePipelineConvertedItself(SQSEvent event) {
        SQSBatchResponse response = handler(PipelineSettings.defaults()).handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(started).extracting(s -> Json.MAPPER.readValue(s[1], ImportJob.class).source().key())
                .containsExactly("kvm/web.qcow2", "vbox/desk.VDI", "dumps/disk.raw.gz", "dumps/disk.img.xz", "dumps/disk.zst");
    }

    @ParameterizedTest
    @Event(value = "events/sqs/convertible-and-converted.json", type = SQSEvent.class)
    void theConvertedPrefixIsTheConfiguredOne(SQSEvent event) {
        StartImportHandler handler = new StartImportHandler(new ImportStarter(executions, PipelineSettings.defaults(),
                new dev.vm2ami.config.ConversionSettings("dumps/", 1), dev.vm2ami.config.PipelineMetrics.instance(),
                Clock.fixed(Instant.parse("2026-11-23T09:20:12Z"), ZoneOffset.UTC)), dev.vm2ami.config.PipelineMetrics.instance());

        handler.handleRequest(event, null);

        assertThat(started).extracting(s -> Json.MAPPER.readValue(s[1], ImportJob.class).source().key())
                .containsExactly("kvm/web.qcow2", "vbox/desk.VDI", "converted/kvm/web.qcow2.vmdk");
    }

    @ParameterizedTest
    @Event(value = "events/sqs/mixed-batch.json", type = SQSEvent.class)
    void importsOnlyKeysUnderTheConfiguredPrefix(SQSEvent event) {
        PipelineSettings underIncoming = PipelineSettings.fromEnvironment(java.util.Map.of("VM2AMI_IMAGE_PREFIX", "incoming/"));

        handler(underIncoming).handleRequest(event, null);

        assertThat(started).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/sqs/s3-object-created-encoded-key.json", type = SQSEvent.class)
    void aStartExecutionThatFailsReportsTheMessageForRedelivery(SQSEvent event) {
        ExecutionStarter failing = (name, input) -> {
            throw new dev.vm2ami.job.TransientFailure("throttled", null);
        };
        StartImportHandler handler = new StartImportHandler(new ImportStarter(failing, PipelineSettings.defaults(),
                dev.vm2ami.config.PipelineMetrics.instance(), Clock.systemUTC()), dev.vm2ami.config.PipelineMetrics.instance());

        SQSBatchResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("2e1424d4-f796-459a-8184-9c92662be6da");
    }
}
