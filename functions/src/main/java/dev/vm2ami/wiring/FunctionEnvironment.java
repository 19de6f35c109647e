package dev.vm2ami.wiring;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment each function is deployed with, built the same way by the CDK stack and by the
 * local cloud: the settings it reads, the resources it needs, and Powertools' own variables.
 */
public final class FunctionEnvironment {
    public static final String SERVICE_NAME = "vm2ami";

    private FunctionEnvironment() {}

    /**
     * @param settings        every setting as its environment variable ({@code PipelineSettings.toEnvironment()})
     * @param stateMachineArn the import state machine's ARN (a CDK token on AWS)
     */
    public static Map<String, String> of(PipelineFunction function, Map<String, String> settings, String stateMachineArn) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put(EnvKeys.STATE_MACHINE_ARN, stateMachineArn);
        Map<String, String> env = new LinkedHashMap<>();
        for (String key : function.environmentKeys()) {
            String value = all.get(key);
            if (value == null) throw new IllegalStateException("no value for " + key + " of " + function.id());
            env.put(key, value);
        }
        env.put("POWERTOOLS_SERVICE_NAME", SERVICE_NAME);
        env.put("POWERTOOLS_METRICS_NAMESPACE", SERVICE_NAME);
        env.put("POWERTOOLS_LOG_LEVEL", "INFO");
        // Lambda's own advice for Java cold starts: stop at the C1 compiler.
        env.put("JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1");
        return env;
    }
}
