package dev.vm2ami.wiring;

/**
 * Names of the pipeline's resources under a prefix (the stack name on AWS, "vm2ami" locally), where
 * the CDK stack and the local cloud both name them. Function names: {@link PipelineFunction#functionName(String)}.
 */
public final class ResourceNames {
    private ResourceNames() {}

    /** The import state machine; its ARN is known (and handed to the functions) before it exists. */
    public static String stateMachine(String prefix) {
        return prefix + "-import-image";
    }

    /** The topic of the terminal notifications, which teams subscribe to. */
    public static String notificationTopic(String prefix) {
        return prefix + "-notifications";
    }
}
