package dev.vm2ami.wiring;

/**
 * The CloudWatch metrics the functions emit (embedded metric format, through Powertools) and the
 * stack's dashboard and alarms read: one home for their names and dimensions. Metrics without a
 * dimension of their own carry Powertools' default {@code Service} dimension.
 */
public final class MetricNames {
    private MetricNames() {}

    public static final String NAMESPACE = FunctionEnvironment.SERVICE_NAME;
    /** Powertools' default dimension, with the service name as its value. */
    public static final String SERVICE = "Service";
    public static final String CATEGORY = "Category";
    public static final String STAGE = "Stage";

    // Outcomes, one per image (notify).
    public static final String IMAGES_SUCCEEDED = "ImagesSucceeded";
    public static final String IMAGES_REJECTED = "ImagesRejected";
    /** With the failure category as its only dimension. */
    public static final String IMAGES_FAILED = "ImagesFailed";
    // The way there (notify).
    /** Seconds from the S3 event to the notification, of images that were imported or failed. */
    public static final String IMPORT_DURATION = "ImportDuration";
    /** Seconds each import stage lasted, as the check step saw it, with the stage as its only dimension. */
    public static final String STAGE_DURATION = "StageDuration";
    public static final String IMPORT_ATTEMPTS = "ImportAttempts";
    /** How many times ImportImage answered that the account's import quota was exhausted. */
    public static final String QUOTA_WAITS = "QuotaWaits";
    /** Milliseconds the pre-flight inspection took (inspect). */
    public static final String INSPECTION_TIME = "InspectionTime";
    /** This stack's import tasks active at EC2, counted by each reconciler run. */
    public static final String IMPORTS_IN_FLIGHT = "ImportsInFlight";

    /**
     * A stage as a dimension value: Powertools refuses values with whitespace, so {@code preparing ami}
     * is {@code preparing-ami}.
     */
    public static String stageDimension(String stage) {
        return stage.trim().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
}
