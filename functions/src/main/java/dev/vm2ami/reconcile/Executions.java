package dev.vm2ami.reconcile;

import dev.vm2ami.intake.ExecutionStarter;

import java.util.Optional;

/** The execution calls the reconciler makes; {@link SfnExecutions} is the real one. */
public interface Executions extends ExecutionStarter {
    Optional<ExecutionView> describe(String executionName);
}
