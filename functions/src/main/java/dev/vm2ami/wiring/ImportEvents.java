package dev.vm2ami.wiring;

/**
 * The EventBridge events vm2ami puts: every stage change of an import, on the account's default
 * event bus, so teams can build progress views with a rule instead of polling. The CDK stack grants
 * {@code events:PutEvents} on exactly this bus.
 */
public final class ImportEvents {
    private ImportEvents() {}

    public static final String SOURCE = "vm2ami";
    public static final String STAGE_CHANGED = "Import Stage Changed";
    public static final String EVENT_BUS = "default";
}
