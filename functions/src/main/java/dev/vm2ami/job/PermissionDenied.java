package dev.vm2ami.job;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AWS refused a step an action its role does not allow. Retrying cannot help, so the state machine
 * does not retry steps that fail with it (it is not a {@link TransientFailure}): the image fails at
 * once with one FAILED/PERMISSIONS notification that names the denied action.
 */
public final class PermissionDenied extends RuntimeException {
    /** The error codes AWS services answer a denial with. */
    private static final Set<String> CODES = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
            "AuthorizationError", "UnauthorizedAccess", "Forbidden");
    private static final Pattern ACTION = Pattern.compile("perform: ([a-z0-9-]+:[A-Za-z0-9*]+)");

    private final String action;

    public PermissionDenied(String action, String resource, String awsMessage, Throwable cause) {
        super("AWS denied " + action + (resource == null ? "" : " on " + resource) + ": " + awsMessage, cause);
        this.action = action;
    }

    public String action() {
        return action;
    }

    /** Whether an AWS error (code, HTTP status) is a denial; S3 answers a HEAD with a bare 403. */
    public static boolean isDenial(String code, int httpStatus) {
        return (code != null && CODES.contains(code)) || (httpStatus == 403 && (code == null || code.isEmpty() || "403".equals(code)));
    }

    /** The action AWS's message names ("... is not authorized to perform: ec2:ImportImage on ..."), if it names one. */
    public static Optional<String> actionIn(String awsMessage) {
        if (awsMessage == null) return Optional.empty();
        Matcher m = ACTION.matcher(awsMessage);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** A denial of {@code attempted} (or of the action AWS names) on {@code resource}. */
    public static PermissionDenied of(String attempted, String resource, String awsMessage, Throwable cause) {
        return new PermissionDenied(actionIn(awsMessage).orElse(attempted), resource, awsMessage, cause);
    }
}
