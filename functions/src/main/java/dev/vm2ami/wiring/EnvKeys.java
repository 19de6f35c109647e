package dev.vm2ami.wiring;

/** Environment variable names of the pipeline's functions; CDK and the local cloud set them alike. */
public final class EnvKeys {
    private EnvKeys() {}

    public static final String STATE_MACHINE_ARN = "VM2AMI_STATE_MACHINE_ARN";
    /** Only keys under this prefix are imported (empty: the whole bucket). */
    public static final String IMAGE_PREFIX = "VM2AMI_IMAGE_PREFIX";

    // Timing knobs: the start function copies them into each execution's input, so the same
    // ASL runs with minutes on AWS and with seconds on the local cloud.
    /** Expected stage durations (import-stages.json) are multiplied by this: 1 on AWS, the simulator's factor locally. */
    public static final String TIME_SCALE = "VM2AMI_TIME_SCALE";
    /** The longest wait between two looks at an import task. */
    public static final String POLL_SECONDS = "VM2AMI_POLL_SECONDS";
    /** The shortest wait between two looks at an import task. */
    public static final String MIN_POLL_SECONDS = "VM2AMI_MIN_POLL_SECONDS";
    public static final String DEADLINE_SECONDS = "VM2AMI_DEADLINE_SECONDS";
    public static final String MAX_ATTEMPTS = "VM2AMI_MAX_ATTEMPTS";
    /**
     * Stall thresholds in seconds: one number for every stage, or per stage, e.g.
     * {@code booting=3600,converting=7200}; unnamed stages default to a wide margin over their measured duration.
     */
    public static final String STALL_SECONDS = "VM2AMI_STALL_SECONDS";
    public static final String QUOTA_BACKOFF_SECONDS = "VM2AMI_QUOTA_BACKOFF_SECONDS";
    public static final String QUOTA_BACKOFF_MAX_SECONDS = "VM2AMI_QUOTA_BACKOFF_MAX_SECONDS";
    public static final String RETRY_BACKOFF_SECONDS = "VM2AMI_RETRY_BACKOFF_SECONDS";

    // Image defaults (a sidecar manifest or object metadata overrides them per image).
    public static final String DEFAULT_BOOT_MODE = "VM2AMI_DEFAULT_BOOT_MODE";
    public static final String DEFAULT_IMPORT_MODE = "VM2AMI_DEFAULT_IMPORT_MODE";
    public static final String DEFAULT_LICENSE_TYPE = "VM2AMI_DEFAULT_LICENSE_TYPE";
    public static final String DEFAULT_TEAM = "VM2AMI_DEFAULT_TEAM";
    /** Extra AMI tags, e.g. {@code CostCenter=42,Owner=platform}. */
    public static final String EXTRA_TAGS = "VM2AMI_EXTRA_TAGS";

    public static final String VMIMPORT_ROLE_NAME = "VM2AMI_VMIMPORT_ROLE_NAME";
    public static final String KMS_KEY_ID = "VM2AMI_KMS_KEY_ID";
    public static final String MAX_CONCURRENT_IMPORTS = "VM2AMI_MAX_CONCURRENT_IMPORTS";

    public static final String AMI_NAME_TEMPLATE = "VM2AMI_AMI_NAME_TEMPLATE";
    public static final String PIPELINE_VERSION = "VM2AMI_PIPELINE_VERSION";

    /** What the reconciler does with an orphaned import task: {@code adopt} or {@code cancel}. */
    public static final String RECONCILE_ACTION = "VM2AMI_RECONCILE_ACTION";

    // Distribution defaults (a sidecar manifest or object metadata overrides them per image).
    /** JSON: {"accounts": [...], "organizationArns": [...], "organizationalUnitArns": [...]}. */
    public static final String SHARE_WITH = "VM2AMI_SHARE_WITH";
    /** Comma-separated regions, e.g. {@code eu-west-1,us-west-2}. */
    public static final String COPY_TO_REGIONS = "VM2AMI_COPY_TO_REGIONS";
    /** {@code region=key ARN,...}. */
    public static final String REGION_KMS_KEYS = "VM2AMI_REGION_KMS_KEYS";
    public static final String SSM_PARAMETER = "VM2AMI_SSM_PARAMETER";
    public static final String DEPRECATE_AFTER_DAYS = "VM2AMI_DEPRECATE_AFTER_DAYS";
    public static final String IMDS_SUPPORT = "VM2AMI_IMDS_SUPPORT";
    /** keep, tag or delete. */
    public static final String SOURCE_DISPOSITION = "VM2AMI_SOURCE_DISPOSITION";
    /** Converted images go under this prefix of the import bucket (the start function skips it: no second execution). */
    public static final String CONVERTED_PREFIX = "VM2AMI_CONVERTED_PREFIX";
    /** Images whose conversion handles at most this many bytes are converted in Lambda, larger ones on AWS Batch. */
    public static final String CONVERSION_LAMBDA_MAX_BYTES = "VM2AMI_CONVERSION_LAMBDA_MAX_BYTES";
}
