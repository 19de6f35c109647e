package dev.vm2ami.intake;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vm2ami.config.ConversionSettings;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Json;
import dev.vm2ami.priming.Primer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a batch of intake queue messages into executions: one per image object version.
 * Messages whose executions could not be started are reported as batch item failures, so SQS
 * delivers them again (and to the dead-letter queue in the end); nothing is dropped silently.
 */
public final class ImportStarter {
    private static final Logger LOG = LoggerFactory.getLogger(ImportStarter.class);

    private final ExecutionStarter executions;
    private final PipelineSettings settings;
    private final ConversionSettings conversion;
    private final Metrics metrics;
    private final Clock clock;

    public ImportStarter(ExecutionStarter executions, PipelineSettings settings, Metrics metrics, Clock clock) {
        this(executions, settings, ConversionSettings.defaults(), metrics, clock);
    }

    public ImportStarter(ExecutionStarter executions, PipelineSettings settings, ConversionSettings conversion, Metrics metrics,
                         Clock clock) {
        this.executions = executions;
        this.settings = settings;
        this.conversion = conversion;
        this.metrics = metrics;
        this.clock = clock;
    }

    public SQSBatchResponse startAll(SQSEvent event) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            if (!startFrom(message)) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.getMessageId()).build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /** True when every image in the message has its execution (new or already there). */
    private boolean startFrom(SQSEvent.SQSMessage message) {
        S3EventParser.Parsed parsed;
        try {
            parsed = S3EventParser.parse(message.getBody());
        } catch (IllegalArgumentException e) {
            // It will not parse next time either: let it go to the dead-letter queue, where the alarm shows it.
            LOG.error("message {} is not an S3 event notification: {}", message.getMessageId(), e.getMessage());
            return false;
        }
        if (parsed.testEvent()) {
            LOG.info("S3 test event (sent when the bucket notification is configured): nothing to import");
            return true;
        }
        boolean allStarted = true;
        for (S3EventRecord record : parsed.records()) {
            MDC.put("objectKey", record.key());
            try {
                Optional<String> skip = ImageKeys.skipReason(record, settings.imagePrefix(), conversion);
                if (skip.isPresent()) {
                    LOG.info("skipping s3://{}/{}: {}", record.bucket(), record.key(), skip.get());
                    continue;
                }
                allStarted &= start(record);
            } finally {
                MDC.remove("objectKey");
                MDC.remove("executionName");
            }
        }
        return allStarted;
    }

    private boolean start(S3EventRecord r) {
        String name = ExecutionNames.forObject(r);
        MDC.put("executionName", name);
        ImportJob job = ImportJob.start(name, clock.instant().toString(),
                new ImportJob.SourceObject(r.bucket(), r.key(), r.versionId(), r.etag(), r.size(), r.sequencer(), r.eventTime()),
                settings.timing());
        try {
            if (executions.start(name, Json.MAPPER.writeValueAsString(job))) {
                LOG.info("started the import of s3://{}/{} ({} bytes)", r.bucket(), r.key(), r.size());
                metrics.addMetric("ImagesStarted", 1, MetricUnit.COUNT);
            } else {
                LOG.info("s3://{}/{} already has its execution: a duplicate event", r.bucket(), r.key());
                metrics.addMetric("DuplicateEvents", 1, MetricUnit.COUNT);
            }
            return true;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the job of " + name + " does not serialise", e);
        } catch (RuntimeException e) {
            if (Primer.primingOnThisThread()) {
                // SnapStart priming answers StartExecution itself: not an operator's concern.
                LOG.info("priming: StartExecution answered locally for s3://{}/{}", r.bucket(), r.key());
                return false;
            }
            LOG.error("could not start the import of s3://{}/{}: {}", r.bucket(), r.key(), e.getMessage());
            return false;
        }
    }
}
