package dev.vm2ami.infra;

import dev.vm2ami.wiring.EnvKeys;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every setting an operator can give the stack: in cdk.json's {@code vm2ami} block, in a per-account
 * JSON file, or with {@code -c key=value}. Pipeline settings name the function environment variable
 * they become, so a message from {@link dev.vm2ami.config.PipelineSettings} can be traced back to the key.
 */
public enum ConfigKey {
    STACK_NAME("stackName", "vm2ami", null),
    IMAGE_PREFIX("imagePrefix", "", EnvKeys.IMAGE_PREFIX),
    NOTIFICATION_EMAILS("notificationEmails", List.of(), null),
    SUBSCRIPTIONS("subscriptions", List.of(), null),
    OPS_EMAILS("opsEmails", List.of(), null),
    DEFAULT_LICENSE_TYPE("defaultLicenseType", "", EnvKeys.DEFAULT_LICENSE_TYPE),
    DEFAULT_BOOT_MODE("defaultBootMode", "", EnvKeys.DEFAULT_BOOT_MODE),
    DEFAULT_IMPORT_MODE("defaultImportMode", "auto", EnvKeys.DEFAULT_IMPORT_MODE),
    DEFAULT_TEAM("defaultTeam", "", EnvKeys.DEFAULT_TEAM),
    EXTRA_TAGS("extraTags", Map.of(), EnvKeys.EXTRA_TAGS),
    AMI_NAME_TEMPLATE("amiNameTemplate", "{stem}-{date}-{time}", EnvKeys.AMI_NAME_TEMPLATE),
    KMS_KEY_ARN("kmsKeyArn", "", EnvKeys.KMS_KEY_ID),
    MAX_CONCURRENT_IMPORTS("maxConcurrentImports", 0, EnvKeys.MAX_CONCURRENT_IMPORTS),
    POLL_SECONDS("pollSeconds", 120, EnvKeys.POLL_SECONDS),
    MIN_POLL_SECONDS("minPollSeconds", 15, EnvKeys.MIN_POLL_SECONDS),
    STALL_SECONDS("stallSeconds", "", EnvKeys.STALL_SECONDS),
    DEADLINE_SECONDS("deadlineSeconds", 28800, EnvKeys.DEADLINE_SECONDS),
    MAX_ATTEMPTS("maxAttempts", 3, EnvKeys.MAX_ATTEMPTS),
    QUOTA_BACKOFF_SECONDS("quotaBackoffSeconds", 60, EnvKeys.QUOTA_BACKOFF_SECONDS),
    QUOTA_BACKOFF_MAX_SECONDS("quotaBackoffMaxSeconds", 900, EnvKeys.QUOTA_BACKOFF_MAX_SECONDS),
    RETRY_BACKOFF_SECONDS("retryBackoffSeconds", 120, EnvKeys.RETRY_BACKOFF_SECONDS),
    RECONCILE_ACTION("reconcileAction", "adopt", EnvKeys.RECONCILE_ACTION),
    SHARE_WITH("shareWith", Map.of(), EnvKeys.SHARE_WITH),
    COPY_TO_REGIONS("copyToRegions", List.of(), EnvKeys.COPY_TO_REGIONS),
    REGION_KMS_KEYS("regionKmsKeys", Map.of(), EnvKeys.REGION_KMS_KEYS),
    SSM_PARAMETER("ssmParameter", "", EnvKeys.SSM_PARAMETER),
    DEPRECATE_AFTER_DAYS("deprecateAfterDays", 0, EnvKeys.DEPRECATE_AFTER_DAYS),
    IMDS_SUPPORT("imdsSupport", "", EnvKeys.IMDS_SUPPORT),
    SOURCE_DISPOSITION("sourceDisposition", "keep", EnvKeys.SOURCE_DISPOSITION),
    CONVERTED_PREFIX("convertedPrefix", "converted/", EnvKeys.CONVERTED_PREFIX),
    CONVERSION_LAMBDA_MAX_BYTES("conversionLambdaMaxBytes", 30_000_000_000L, EnvKeys.CONVERSION_LAMBDA_MAX_BYTES),
    CONVERSION_MAX_JOBS("conversionMaxJobs", 4, null),
    RECONCILE_INTERVAL_MINUTES("reconcileIntervalMinutes", 30, null),
    INTAKE_MAX_CONCURRENCY("intakeMaxConcurrency", 5, null),
    ACCESS_LOGGING("accessLogging", true, null),
    LOG_RETENTION_DAYS("logRetentionDays", 90, null),
    STATE_MACHINE_LOG_LEVEL("stateMachineLogLevel", "ALL", null),
    STATE_MACHINE_LOG_EXECUTION_DATA("stateMachineLogExecutionData", false, null);

    /** The context key of the per-account file's name (not a setting itself). */
    public static final String CONFIG_FILE = "configFile";
    /** The cdk.json context block that holds the defaults. */
    public static final String DEFAULTS_BLOCK = "vm2ami";

    private final String key;
    private final Object defaultValue;
    private final String envKey;

    ConfigKey(String key, Object defaultValue, String envKey) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.envKey = envKey;
    }

    public String key() { return key; }

    /** The value when no layer sets the key (cdk.json lists the same values). */
    public Object defaultValue() { return defaultValue; }

    /** The function environment variable this key becomes, if it is a pipeline setting. */
    public Optional<String> envKey() { return Optional.ofNullable(envKey); }

    public static Optional<ConfigKey> byKey(String key) {
        return Stream.of(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    public static String allKeys() {
        return Stream.of(values()).map(ConfigKey::key).collect(Collectors.joining(", "));
    }
}
