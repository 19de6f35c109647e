package dev.vm2ami.wiring;

/** The names of the stack's outputs that tools read back (e.g. {@code vm2ami status --stack}). */
public final class StackOutputs {
    private StackOutputs() {}

    public static final String STATE_MACHINE_ARN = "StateMachineArn";
}
