package dev.vm2ami.reconcile;

import dev.vm2ami.intake.SfnExecutionStarter;
import dev.vm2ami.job.TransientFailure;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;

import java.util.Optional;

/** {@link Executions} of the import state machine on Step Functions. */
public final class SfnExecutions implements Executions {
    private final SfnClient sfn;
    private final String stateMachineArn;
    private final SfnExecutionStarter starter;

    public SfnExecutions(SfnClient sfn, String stateMachineArn) {
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
        this.starter = new SfnExecutionStarter(sfn, stateMachineArn);
    }

    @Override
    public Optional<ExecutionView> describe(String executionName) {
        String arn = stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + executionName;
        try {
            DescribeExecutionResponse e = sfn.describeExecution(r -> r.executionArn(arn));
            return Optional.of(new ExecutionView(executionName, e.statusAsString(), e.input()));
        } catch (ExecutionDoesNotExistException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new TransientFailure("DescribeExecution " + executionName + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean start(String name, String input) {
        return starter.start(name, input);
    }
}
