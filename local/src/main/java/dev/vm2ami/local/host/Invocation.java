package dev.vm2ami.local.host;

import java.util.Map;

/** One Lambda invocation as the local cloud asks the host for it. */
public record Invocation(
        String functionName,
        String functionArn,
        String handler,
        int timeoutSeconds,
        int memoryMb,
        String region,
        Map<String, String> environment,
        byte[] event) {

    public Invocation {
        environment = Map.copyOf(environment);
    }

    /** Functions with the same configuration can share warm workers. */
    String workerKey() {
        return functionName + "|" + handler + "|" + memoryMb + "|" + new java.util.TreeMap<>(environment);
    }
}
