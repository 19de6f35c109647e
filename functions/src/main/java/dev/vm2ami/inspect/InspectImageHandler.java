package dev.vm2ami.inspect;

import dev.vm2ami.config.Clients;
import dev.vm2ami.config.ConversionSettings;
import dev.vm2ami.config.PipelineMetrics;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.image.verdict.ImageInspector;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.JobHandler;
import dev.vm2ami.wiring.MetricNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/** The inspect step: pre-flight verdict on the S3 object, by ranged GETs, plus the image's options. */
public final class InspectImageHandler extends JobHandler {
    private static final Logger LOG = LoggerFactory.getLogger(InspectImageHandler.class);
    private final PreflightCheck check;
    private final Metrics metrics;

    public InspectImageHandler() {
        this(Clients.sync(S3Client.builder()), PipelineSettings.fromEnvironment(System.getenv()), ConversionSettings.fromEnvironment(System.getenv()),
                PipelineMetrics.instance());
        primeBeforeSnapshot(check::run);
    }

    public InspectImageHandler(S3Client s3, PipelineSettings settings) {
        this(s3, settings, ConversionSettings.defaults(), PipelineMetrics.instance());
    }

    public InspectImageHandler(S3Client s3, PipelineSettings settings, ConversionSettings conversion, Metrics metrics) {
        this.check = new PreflightCheck(new S3ImageObjects(s3), settings, conversion, new ImageInspector());
        this.metrics = metrics;
    }

    @Override
    public ImportJob handle(ImportJob job) {
        long started = System.nanoTime();
        try {
            return check.run(job);
        } finally {
            try {
                metrics.addMetric(MetricNames.INSPECTION_TIME, (System.nanoTime() - started) / 1e6, MetricUnit.MILLISECONDS);
                metrics.flush();
            } catch (RuntimeException e) { // a metric is not worth failing the pre-flight for
                LOG.warn("inspection time of {} not written: {}", job.executionName(), e.getMessage());
            }
        }
    }
}
