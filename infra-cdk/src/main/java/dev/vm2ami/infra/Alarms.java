package dev.vm2ami.infra;

import dev.vm2ami.wiring.PipelineFunction;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

import java.util.Map;

/**
 * The alarms an operator needs, each raised on the first occurrence in a five-minute period and sent
 * (with its recovery) to the ops topic: failed executions (every failed import fails its execution),
 * messages in the intake dead-letter queue, and errors of each function.
 */
final class Alarms extends Construct {
    private static final Duration PERIOD = Duration.minutes(5);

    private final SnsAction toOps;
    private final String stackName;

    Alarms(Construct scope, String id, ITopic opsTopic, String stackName) {
        super(scope, id);
        this.toOps = new SnsAction(opsTopic);
        this.stackName = stackName;
    }

    void failedExecutions(IStateMachine stateMachine) {
        alarm("FailedExecutions", stateMachine.metricFailed(sum()),
                "An image import failed (or the pipeline could not follow it); the notification and the execution say why.");
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
        Alarm alarm = Alarm.Builder.create(this, id)
                .metric(metric)
                .threshold(1)
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
