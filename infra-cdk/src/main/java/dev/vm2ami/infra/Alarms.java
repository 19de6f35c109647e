package dev.vm2ami.infra;

import dev.vm2ami.job.FailureCategory;
import dev.vm2ami.wiring.MetricNames;
import dev.vm2ami.wiring.PipelineFunction;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alarms an operator needs, each raised on the first occurrence in a five-minute period and sent
 * (with its recovery) to the ops topic: images that failed for vm2ami's own reasons (not every failed
 * execution: each image a user got wrong fails its execution too), S3 events waiting in the intake
 * queue, messages in its dead-letter queue, throttled functions, and errors of each function.
 */
final class Alarms extends Construct {
    private static final Duration PERIOD = Duration.minutes(5);
    /** The start function takes an S3 event within seconds; a quarter of an hour means it is not. */
    static final int INTAKE_AGE_SECONDS = 900;

    private final SnsAction toOps;
    private final String stackName;

    Alarms(Construct scope, String id, ITopic opsTopic, String stackName) {
        super(scope, id);
        this.toOps = new SnsAction(opsTopic);
        this.stackName = stackName;
    }

    /**
     * Images that failed for vm2ami's own reasons (INTERNAL: a step failed for good; PERMISSIONS: a role or the
     * VM Import service role lacks an action), from the notify step's failures by category: a bad image a user
     * uploaded (CLIENT_ERROR, STUCK, ...) is the user's news, in their notification, not an operator's alarm.
     */
    void pipelineFaults() {
        Map<String, IMetric> byCategory = new LinkedHashMap<>();
        for (FailureCategory c : List.of(FailureCategory.INTERNAL, FailureCategory.PERMISSIONS)) {
            byCategory.put(c.name().toLowerCase(), PipelineDashboard.byDimension(MetricNames.IMAGES_FAILED,
                    MetricNames.CATEGORY, c.name(), "Sum", c.name()));
        }
        alarm("PipelineFaults", MathExpression.Builder.create()
                        .expression("FILL(internal, 0) + FILL(permissions, 0)").usingMetrics(byCategory)
                        .period(PERIOD).label("images failed INTERNAL or PERMISSIONS").build(),
                "An image failed for vm2ami's own reasons (category INTERNAL or PERMISSIONS): the notification and the "
                        + "function logs say which step and which action.");
    }

    /** S3 events wait in the intake queue: the start function is failing, throttled or not consuming. */
    void intakeBacklog(IQueue intake) {
        alarm("IntakeBacklog", intake.metricApproximateAgeOfOldestMessage(
                        MetricOptions.builder().period(PERIOD).statistic("Maximum").build()), INTAKE_AGE_SECONDS,
                "An S3 event has waited in the intake queue for " + INTAKE_AGE_SECONDS / 60
                        + " minutes or more: the start function is failing, throttled or not polling.");
    }

    /** Lambda refused invocations of any function (concurrency exhausted): the steps are retried, but slower. */
    void throttles(Map<PipelineFunction, ? extends IFunction> functions) {
        Map<String, IMetric> each = new LinkedHashMap<>();
        functions.forEach((f, function) -> each.put(f.id().replaceAll("[^A-Za-z0-9_]", "_"), function.metricThrottles(sum())));
        // An alarm's math expression takes at most 10 metrics: one alarm per 10 functions.
        List<String> ids = new java.util.ArrayList<>(each.keySet());
        for (int from = 0; from < ids.size(); from += 10) {
            Map<String, IMetric> part = new LinkedHashMap<>();
            ids.subList(from, Math.min(ids.size(), from + 10)).forEach(k -> part.put(k, each.get(k)));
            alarm(from == 0 ? "FunctionThrottles" : "FunctionThrottles" + (from / 10 + 1), MathExpression.Builder.create()
                            .expression(String.join(" + ", part.keySet().stream().map(k -> "FILL(" + k + ", 0)").toList()))
                            .usingMetrics(part).period(PERIOD).label("throttled invocations").build(),
                    "Lambda throttled a vm2ami function (its concurrency or the account's is exhausted).");
        }
    }

    void deadLetters(IQueue deadLetters) {
        alarm("IntakeDeadLetters", deadLetters.metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder().period(PERIOD).statistic("Maximum").build()),
                "S3 events the start function failed on five times are waiting in the intake dead-letter queue.");
    }

    void functionErrors(Map<PipelineFunction, ? extends IFunction> functions) {
        functions.forEach((f, function) -> alarm("FunctionErrors-" + f.id(), function.metricErrors(sum()),
                "The " + f.id() + " function failed; its log group is /aws/lambda/" + f.functionName(stackName) + "."));
    }

    private void alarm(String id, IMetric metric, String description) {
        alarm(id, metric, 1, description);
    }

    private void alarm(String id, IMetric metric, double threshold, String description) {
        Alarm alarm = Alarm.Builder.create(this, id)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .alarmDescription(description)
                .build();
        alarm.addAlarmAction(toOps);
        alarm.addOkAction(toOps);
    }

    private static MetricOptions sum() {
        return MetricOptions.builder().period(PERIOD).statistic("Sum").build();
    }
}
