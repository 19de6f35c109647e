package dev.vm2ami.config;

import dev.vm2ami.wiring.FunctionEnvironment;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/** Powertools metrics (CloudWatch embedded metric format) in the vm2ami namespace unless the environment names another. */
public final class PipelineMetrics {
    private PipelineMetrics() {}

    public static Metrics instance() {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        String namespace = System.getenv("POWERTOOLS_METRICS_NAMESPACE");
        metrics.setNamespace(namespace == null || namespace.isBlank() ? FunctionEnvironment.SERVICE_NAME : namespace);
        return metrics;
    }
}
