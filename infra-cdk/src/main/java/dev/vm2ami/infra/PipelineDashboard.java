package dev.vm2ami.infra;

import dev.vm2ami.importtask.ImportStages;
import dev.vm2ami.job.FailureCategory;
import dev.vm2ami.wiring.MetricNames;
import dev.vm2ami.wiring.PipelineFunction;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pipeline on one CloudWatch dashboard: images in flight, outcomes (failures by category), stage
 * and import durations, quota waits and attempts, the pre-flight's time, the intake queues, and the
 * functions' errors and throttles. The metric names come from {@link MetricNames}, as the functions emit them.
 */
final class PipelineDashboard extends Construct {
    static final Duration PERIOD = Duration.minutes(5);

    PipelineDashboard(Construct scope, String id, String stackName, IStateMachine stateMachine, IQueue intake,
                      IQueue deadLetters, Map<PipelineFunction, ? extends IFunction> functions) {
        super(scope, id);
        List<IWidget> widgets = new ArrayList<>();
        widgets.add(graph("Images in flight", List.of(
                service(MetricNames.IMPORTS_IN_FLIGHT, "Maximum", "import tasks active (each reconciler run)"),
                stateMachine.metricStarted(sum("executions started")))));
        List<IMetric> outcomes = new ArrayList<>(List.of(
                service(MetricNames.IMAGES_SUCCEEDED, "Sum", "succeeded"),
                service(MetricNames.IMAGES_REJECTED, "Sum", "rejected")));
        for (FailureCategory c : FailureCategory.values()) {
            outcomes.add(byDimension(MetricNames.IMAGES_FAILED, MetricNames.CATEGORY, c.name(), "Sum", "failed " + c.name()));
        }
        widgets.add(graph("Outcomes", outcomes));
        List<IMetric> stages = new ArrayList<>();
        for (ImportStages.Stage s : ImportStages.measured().all()) {
            stages.add(byDimension(MetricNames.STAGE_DURATION, MetricNames.STAGE, MetricNames.stageDimension(s.name()), "Average", s.name()));
        }
        widgets.add(graph("Import stage durations (s, average)", stages));
        widgets.add(graph("Import duration (s)", List.of(
                service(MetricNames.IMPORT_DURATION, "p50", "p50"), service(MetricNames.IMPORT_DURATION, "p90", "p90"),
                service(MetricNames.IMPORT_DURATION, "Maximum", "max"))));
        widgets.add(graph("Quota waits and attempts", List.of(
                service(MetricNames.QUOTA_WAITS, "Sum", "quota waits"), service(MetricNames.IMPORT_ATTEMPTS, "Average", "attempts per image"))));
        widgets.add(graph("Pre-flight inspection (ms)", List.of(
                service(MetricNames.INSPECTION_TIME, "p50", "p50"), service(MetricNames.INSPECTION_TIME, "p99", "p99"))));
        widgets.add(graph("Intake", List.of(
                deadLetters.metricApproximateNumberOfMessagesVisible(MetricOptions.builder().period(PERIOD).statistic("Maximum").label("dead letters").build()),
                intake.metricApproximateAgeOfOldestMessage(MetricOptions.builder().period(PERIOD).statistic("Maximum").label("oldest message age (s)").build()))));
        List<IMetric> errors = new ArrayList<>();
        functions.forEach((f, fn) -> {
            errors.add(fn.metricErrors(sum(f.id() + " errors")));
            errors.add(fn.metricThrottles(sum(f.id() + " throttles")));
        });
        widgets.add(graph("Function errors and throttles", errors));
        software.amazon.awscdk.services.cloudwatch.Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(stackName)
                .widgets(rows(widgets))
                .build();
    }

    private static List<List<IWidget>> rows(List<IWidget> widgets) {
        List<List<IWidget>> rows = new ArrayList<>();
        for (int i = 0; i < widgets.size(); i += 2) rows.add(widgets.subList(i, Math.min(widgets.size(), i + 2)));
        return rows;
    }

    private static GraphWidget graph(String title, List<? extends IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).width(12).height(6).left(List.copyOf(metrics)).build();
    }

    static Metric service(String name, String statistic, String label) {
        return byDimension(name, MetricNames.SERVICE, MetricNames.NAMESPACE, statistic, label);
    }

    static Metric byDimension(String name, String dimension, String value, String statistic, String label) {
        return Metric.Builder.create().namespace(MetricNames.NAMESPACE).metricName(name)
                .dimensionsMap(Map.of(dimension, value)).statistic(statistic).period(PERIOD).label(label).build();
    }

    private static MetricOptions sum(String label) {
        return MetricOptions.builder().period(PERIOD).statistic("Sum").label(label).build();
    }
}
