package dev.vm2ami.wiring;

import java.util.Set;

/**
 * The SNS message attributes every notification carries, and the statuses it can report: what
 * teams write subscription filter policies against. The notify step sets them; the stack
 * validates filter policies against them.
 */
public final class NotificationAttributes {
    private NotificationAttributes() {}

    public static final String STATUS = "status";
    public static final String FORMAT = "format";
    public static final String TEAM = "team";
    public static final String CATEGORY = "category";
    public static final Set<String> ALL = Set.of(STATUS, FORMAT, TEAM, CATEGORY);

    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    public static final String REJECTED = "REJECTED";
    public static final Set<String> STATUSES = Set.of(SUCCEEDED, FAILED, REJECTED);
}
