package dev.vm2ami.infra;

import dev.vm2ami.wiring.PipelineFunction;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationsAndAlarmsTest {
    private final Synthesized defaults = Synthesized.defaults();
    private final Synthesized withOptions = Synthesized.withOptions();

    @Test
    void encryptsBothTopicsWithARotatingKeyOfTheStack() {
        defaults.template().resourceCountIs("AWS::KMS::Key", 1);
        defaults.template().hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
        for (String name : List.of("vm2ami-notifications", "vm2ami-ops")) {
            defaults.template().hasResourceProperties("AWS::SNS::Topic", Map.of("TopicName", name,
                    "KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(key(), "Arn"))));
        }
    }

    @Test
    void refusesPublishingWithoutTlsOnBothTopics() {
        defaults.template().resourceCountIs("AWS::SNS::TopicPolicy", 2);
        defaults.template().allResourcesProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Effect", "Deny", "Action", "sns:Publish",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
    }

    @Test
    void letsThisAccountsAlarmsPublishToTheEncryptedOpsTopic() {
        defaults.template().hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Effect", "Allow",
                        "Principal", Map.of("Service", "cloudwatch.amazonaws.com"), "Action", "sns:Publish",
                        "Condition", Map.of("ArnLike", Map.of("aws:SourceArn", Match.anyValue()))))))),
                "Topics", List.of(Map.of("Ref", topic("vm2ami-ops")))));
        defaults.template().hasResourceProperties("AWS::KMS::Key", Map.of("KeyPolicy", Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Principal", Map.of("Service", "cloudwatch.amazonaws.com"),
                        "Action", List.of("kms:Decrypt", "kms:GenerateDataKey"),
                        "Condition", Map.of("StringEquals", Map.of("kms:EncryptionContext:aws:sns:topicArn",
                                Match.anyValue())))))))));
    }

    @Test
    void subscribesNobodyUnlessConfigured() {
        defaults.template().resourceCountIs("AWS::SNS::Subscription", 0);
    }

    @Test
    void subscribesEmailsAndQueuesWithTheirFilterPolicies() {
        withOptions.template().resourceCountIs("AWS::SNS::Subscription", 4);
        String topic = topic(withOptions, "vm2ami-notifications");
        withOptions.template().hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "email", "Endpoint", "platform@example.com", "TopicArn", Map.of("Ref", topic),
                "FilterPolicy", Match.absent()));
        withOptions.template().hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "email", "Endpoint", "web-team@example.com", "TopicArn", Map.of("Ref", topic),
                "FilterPolicy", Map.of("status", List.of("FAILED", "REJECTED"), "team", List.of("web"))));
        withOptions.template().hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "sqs", "Endpoint", "arn:aws:sqs:eu-west-1:111122223333:ami-builds", "TopicArn", Map.of("Ref", topic),
                "RawMessageDelivery", true, "FilterPolicy", Map.of("status", List.of("SUCCEEDED"))));
        withOptions.template().hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "email", "Endpoint", "ops@example.com", "TopicArn", Map.of("Ref", topic(withOptions, "vm2ami-ops"))));
    }

    @Test
    void alarmsTheOpsTopicOnDeadLettersIntakeBacklogPipelineFaultsThrottlesAndEachFunctionsErrors() {
        Map<String, Map<String, Object>> alarms = new TemplateJson(defaults.json()).ofType("AWS::CloudWatch::Alarm");
        // The throttles alarm is split in alarms of at most 10 functions (a math expression takes 10 metrics).
        assertThat(alarms).hasSize(4 + PipelineFunction.values().length + (PipelineFunction.values().length - 1) / 10);
        assertThat(alarms.values()).allSatisfy(a -> {
            assertThat(a).containsEntry("AlarmActions", List.of(Map.of("Ref", topic("vm2ami-ops"))));
            assertThat(a).containsEntry("TreatMissingData", "notBreaching");
        });
        assertThat(alarms.values()).extracting(a -> a.get("MetricName")).filteredOn(java.util.Objects::nonNull)
                .containsOnly("ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage", "Errors")
                .filteredOn("Errors"::equals).hasSize(PipelineFunction.values().length);
        for (PipelineFunction f : PipelineFunction.values()) {
            defaults.template().hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "Errors",
                    "Dimensions", List.of(Map.of("Name", "FunctionName", "Value",
                            Map.of("Ref", new TemplateJson(defaults.json()).function(f).getKey())))));
        }
        defaults.template().hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                "MetricName", "ApproximateAgeOfOldestMessage", "Threshold", Alarms.INTAKE_AGE_SECONDS, "Statistic", "Maximum"));
    }

    @Test
    void noLongerAlarmsOnEveryFailedExecutionOnlyOnFailuresThatAreVm2amisOwn() {
        Map<String, Map<String, Object>> alarms = new TemplateJson(defaults.json()).ofType("AWS::CloudWatch::Alarm");
        assertThat(alarms.values()).noneMatch(a -> "ExecutionsFailed".equals(a.get("MetricName")));
        String faults = alarmMetrics("images failed INTERNAL or PERMISSIONS");
        assertThat(faults).contains("\"MetricName\":\"ImagesFailed\"").contains("\"Namespace\":\"vm2ami\"")
                .contains("{\"Name\":\"Category\",\"Value\":\"INTERNAL\"}").contains("{\"Name\":\"Category\",\"Value\":\"PERMISSIONS\"}")
                .doesNotContain("CLIENT_ERROR").doesNotContain("STUCK");
        String throttles = alarmMetrics("throttled invocations");
        for (PipelineFunction f : PipelineFunction.values()) {
            assertThat(throttles).contains("\"Id\":\"" + f.id() + "\"");
        }
        assertThat(throttles).contains("\"MetricName\":\"Throttles\"");
    }

    @Test
    void aDashboardShowsFlightOutcomesStagesQuotaWaitsAndTheDeadLetterQueue() throws Exception {
        Map<String, Map<String, Object>> dashboards = new TemplateJson(defaults.json()).ofType("AWS::CloudWatch::Dashboard");
        assertThat(dashboards).hasSize(1);
        String body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(dashboards.values().iterator().next().get("DashboardBody"));
        assertThat(body).contains("Images in flight", "ImportsInFlight", "ExecutionsStarted", "Outcomes", "ImagesSucceeded",
                "ImagesRejected", "ImagesFailed", "StageDuration", "converting", "preparing-ami", "preparing-to-boot", "ImportDuration", "QuotaWaits",
                "ImportAttempts", "InspectionTime", "ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage", "Throttles");
        for (dev.vm2ami.job.FailureCategory c : dev.vm2ami.job.FailureCategory.values()) assertThat(body).contains(c.name());
    }

    /** The alarm with this label on its expression, its Metrics as JSON. */
    private String alarmMetrics(String label) {
        return new TemplateJson(defaults.json()).ofType("AWS::CloudWatch::Alarm").values().stream()
                .map(a -> a.get("Metrics")).filter(java.util.Objects::nonNull)
                .map(m -> {
                    try {
                        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .filter(m -> m.contains(label)).reduce(String::concat).orElseThrow(() -> new AssertionError("no alarm labelled " + label));
    }

    @Test
    void outputsWhatOperatorsAndTeamsNeed() {
        for (String output : List.of("BucketName", "NotificationTopicArn", "StateMachineArn", "IntakeQueueUrl", "IntakeDeadLetterQueueUrl", "OpsTopicArn")) {
            defaults.template().hasOutput(output, Map.of("Value", Match.anyValue()));
        }
    }

    private String key() {
        return new TemplateJson(defaults.json()).ofType("AWS::KMS::Key").keySet().iterator().next();
    }

    private String topic(String name) {
        return topic(defaults, name);
    }

    private static String topic(Synthesized s, String name) {
        return new TemplateJson(s.json()).ofType("AWS::SNS::Topic").entrySet().stream()
                .filter(e -> name.equals(e.getValue().get("TopicName"))).findFirst().orElseThrow().getKey();
    }
}
