package dev.vm2ami.wiring;

/** The names of the stack's outputs that tools read back (e.g. {@code vm2ami status --stack}, {@code vm2ami redrive --stack}). */
public final class StackOutputs {
    private StackOutputs() {}

    public static final String STATE_MACHINE_ARN = "StateMachineArn";
    public static final String INTAKE_QUEUE_URL = "IntakeQueueUrl";
    public static final String INTAKE_DEAD_LETTER_QUEUE_URL = "IntakeDeadLetterQueueUrl";
}
