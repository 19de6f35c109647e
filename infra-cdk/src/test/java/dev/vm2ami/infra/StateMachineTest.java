package dev.vm2ami.infra;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

import java.util.List;
import java.util.Map;

class StateMachineTest {
    private final Synthesized defaults = Synthesized.defaults();

    @Test
    void isAStandardStateMachineNamedAfterTheStackWithTracing() {
        defaults.template().hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "StateMachineName", "vm2ami-import-image",
                "StateMachineType", "STANDARD",
                "TracingConfiguration", Map.of("Enabled", true)));
    }

    @Test
    void logsAllEventsWithoutExecutionDataToAVendedLogGroup() {
        defaults.template().hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "LoggingConfiguration", Map.of("Level", "ALL", "IncludeExecutionData", false,
                        "Destinations", List.of(Map.of("CloudWatchLogsLogGroup", Map.of("LogGroupArn", Match.anyValue()))))));
        defaults.template().hasResourceProperties("AWS::Logs::LogGroup", Map.of(
                "LogGroupName", "/aws/vendedlogs/states/vm2ami-import-image", "RetentionInDays", 90));
    }

    @Test
    void logsOnlyErrorsWhenTheOperatorSaysSo() {
        Synthesized.withOptions().template().hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "LoggingConfiguration", Match.objectLike(Map.of("Level", "ERROR", "IncludeExecutionData", false))));
    }
}
