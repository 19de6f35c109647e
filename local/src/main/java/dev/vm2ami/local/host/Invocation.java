package dev.vm2ami.local.host;

import java.util.Map;

/**
 * One Lambda invocation as the local cloud asks the host for it.
 *
 * @param credentials the execution role's temporary credentials, as Lambda gives a function; empty
 *                    for a host used without a local cloud (the host's own tests)
 */
public record Invocation(
        String functionName,
        String functionArn,
        String handler,
        int timeoutSeconds,
        int memoryMb,
        String region,
        Map<String, String> environment,
        byte[] event,
        java.util.Optional<RoleCredentials> credentials) {

    public Invocation {
        environment = Map.copyOf(environment);
    }

    public Invocation(String functionName, String functionArn, String handler, int timeoutSeconds, int memoryMb,
                      String region, Map<String, String> environment, byte[] event) {
        this(functionName, functionArn, handler, timeoutSeconds, memoryMb, region, environment, event,
                java.util.Optional.empty());
    }

    /** Temporary credentials of a role (what STS AssumeRole answers). */
    public record RoleCredentials(String accessKeyId, String secretAccessKey, String sessionToken,
                                  java.time.Instant expiration) {
        /** Lambda's variables for the credential provider chain. */
        Map<String, String> environment() {
            return Map.of("AWS_ACCESS_KEY_ID", accessKeyId, "AWS_SECRET_ACCESS_KEY", secretAccessKey,
                    "AWS_SESSION_TOKEN", sessionToken);
        }
    }

    /**
     * The version that runs: the qualifier of a version's ARN (what an alias points at), or $LATEST, as Lambda
     * sets AWS_LAMBDA_FUNCTION_VERSION.
     */
    String functionVersion() {
        String[] parts = functionArn == null ? new String[0] : functionArn.split(":");
        return parts.length == 8 && parts[7].matches("[0-9]+") ? parts[7] : "$LATEST";
    }

    /** Functions with the same configuration can share warm workers. */
    String workerKey() {
        return functionName + "|" + handler + "|" + memoryMb + "|" + new java.util.TreeMap<>(environment);
    }
}
