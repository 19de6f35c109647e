package dev.vm2ami.intake;

import dev.vm2ami.job.TransientFailure;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

/** {@link ExecutionStarter} on Step Functions. */
public final class SfnExecutionStarter implements ExecutionStarter {
    private final SfnClient sfn;
    private final String stateMachineArn;

    public SfnExecutionStarter(SfnClient sfn, String stateMachineArn) {
        if (stateMachineArn == null || stateMachineArn.isBlank()) {
            throw new IllegalStateException("VM2AMI_STATE_MACHINE_ARN is not set: the start function does not know its state machine");
        }
        this.sfn = sfn;
        this.stateMachineArn = stateMachineArn;
    }

    @Override
    public boolean start(String name, String input) {
        try {
            sfn.startExecution(r -> r.stateMachineArn(stateMachineArn).name(name).input(input));
            return true;
        } catch (ExecutionAlreadyExistsException e) {
            return false;
        } catch (SdkException e) {
            throw new TransientFailure("StartExecution " + name + " failed: " + e.getMessage(), e);
        }
    }
}
