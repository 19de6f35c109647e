package dev.vm2ami.config;

import dev.vm2ami.wiring.EnvKeys;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The pipeline's configuration: what an operator sets per account (CDK context on AWS, options of
 * {@code ./vm2ami up} locally). It travels to the functions as environment variables
 * ({@link #toEnvironment()}) and is read back once per container ({@link #fromEnvironment(Map)}),
 * so the stack, the local cloud and the handlers agree on every key and every default.
 *
 * @param imagePrefix          only keys under this prefix are imported ("" = the whole bucket)
 * @param defaultBootMode      legacy-bios, uefi, or "" to let EC2 detect it
 * @param defaultImportMode    image (ImportImage), snapshot (ImportSnapshot + RegisterImage) or auto (the path the inspection picks)
 * @param defaultLicenseType   AWS, BYOL, or "" for EC2's default
 * @param defaultTeam          team named in notifications when an image does not name one
 * @param extraTags            tags put on every AMI and snapshot besides the provenance tags
 * @param kmsKeyId             KMS key for the AMI's snapshots ("" = not encrypted unless the account says so)
 * @param vmimportRoleName     the VM Import service role passed as ImportImage's RoleName
 * @param maxConcurrentImports own admission limit on active import tasks (0 = rely on EC2's quota errors)
 * @param amiNameTemplate      name of the AMI: {stem} (key without folders/extension), {key}, {date}, {time}, {version}
 * @param pipelineVersion      recorded in the vm2ami:pipeline-version tag
 * @param reconcileAction      what the reconciler does with an orphaned import task: adopt or cancel
 * @param timing               polling, stall, deadline and retry knobs
 * @param distribution         what happens to every AMI once it exists, unless its manifest or metadata says otherwise
 */
public record PipelineSettings(String imagePrefix, String defaultBootMode, String defaultImportMode, String defaultLicenseType, String defaultTeam,
                               Map<String, String> extraTags, String kmsKeyId, String vmimportRoleName,
                               int maxConcurrentImports, String amiNameTemplate, String pipelineVersion,
                               String reconcileAction, Timing timing, DistributionOptions distribution) {

    public static final String DEFAULT_NAME_TEMPLATE = "{stem}-{date}-{time}";
    public static final String VERSION = "0.1.0";
    private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{N}\\s_.:/=+\\-@]{1,128}");

    /**
     * @param timeScale              expected stage durations are multiplied by this (1 on AWS)
     * @param pollSeconds            longest wait between two looks at a task
     * @param minPollSeconds         shortest wait between two looks at a task
     * @param deadlineSeconds        an image not imported within this is cancelled (TIMEOUT)
     * @param maxAttempts            import tasks per image (transient failures and stuck tasks are retried)
     * @param stallSeconds           per-stage stall thresholds; "*" applies to stages not named
     * @param quotaBackoffSeconds    first wait when the import quota is exhausted (doubles, with full jitter)
     * @param quotaBackoffMaxSeconds cap of that wait
     * @param retryBackoffSeconds    wait before re-submitting after a transient failure
     */
    public record Timing(double timeScale, int pollSeconds, int minPollSeconds, int deadlineSeconds, int maxAttempts,
                         Map<String, Integer> stallSeconds, int quotaBackoffSeconds, int quotaBackoffMaxSeconds,
                         int retryBackoffSeconds) {
        public Timing {
            stallSeconds = java.util.Collections.unmodifiableMap(new TreeMap<>(stallSeconds));
            positive(EnvKeys.TIME_SCALE, timeScale);
            atLeast(EnvKeys.MIN_POLL_SECONDS, minPollSeconds, 1);
            atLeast(EnvKeys.POLL_SECONDS, pollSeconds, minPollSeconds);
            atLeast(EnvKeys.DEADLINE_SECONDS, deadlineSeconds, 1);
            atLeast(EnvKeys.MAX_ATTEMPTS, maxAttempts, 1);
            atLeast(EnvKeys.QUOTA_BACKOFF_SECONDS, quotaBackoffSeconds, 1);
            atLeast(EnvKeys.QUOTA_BACKOFF_MAX_SECONDS, quotaBackoffMaxSeconds, quotaBackoffSeconds);
            atLeast(EnvKeys.RETRY_BACKOFF_SECONDS, retryBackoffSeconds, 0);
            stallSeconds.forEach((stage, seconds) -> atLeast(EnvKeys.STALL_SECONDS + " (" + stage + ")", seconds, 1));
        }

        /** AWS: polls between 15 s and 2 min, gives up after 8 h, three attempts, quota backoff from 1 to 15 min. */
        public static Timing aws() {
            return new Timing(1.0, 120, 15, 8 * 3600, 3, Map.of(), 60, 900, 120);
        }
    }

    public PipelineSettings {
        // Sorted, so the environment (and a CDK diff) is the same on every synth.
        extraTags = java.util.Collections.unmodifiableMap(new TreeMap<>(extraTags));
        imagePrefix = imagePrefix == null ? "" : imagePrefix;
        defaultBootMode = oneOf(EnvKeys.DEFAULT_BOOT_MODE, defaultBootMode, Set.of("", "legacy-bios", "uefi"));
        defaultImportMode = oneOf(EnvKeys.DEFAULT_IMPORT_MODE, defaultImportMode == null || defaultImportMode.isBlank() ? "auto"
                : defaultImportMode.trim().toLowerCase(Locale.ROOT), Set.of("auto", "image", "snapshot"));
        defaultLicenseType = oneOf(EnvKeys.DEFAULT_LICENSE_TYPE, defaultLicenseType == null ? "" : defaultLicenseType.toUpperCase(Locale.ROOT),
                Set.of("", "AWS", "BYOL"));
        reconcileAction = oneOf(EnvKeys.RECONCILE_ACTION, reconcileAction, Set.of("adopt", "cancel"));
        defaultTeam = defaultTeam == null ? "" : defaultTeam;
        kmsKeyId = kmsKeyId == null ? "" : kmsKeyId;
        if (vmimportRoleName == null || vmimportRoleName.isBlank()) {
            throw new IllegalArgumentException(EnvKeys.VMIMPORT_ROLE_NAME + " must name the VM Import service role");
        }
        atLeast(EnvKeys.MAX_CONCURRENT_IMPORTS, maxConcurrentImports, 0);
        if (amiNameTemplate == null || amiNameTemplate.isBlank()) amiNameTemplate = DEFAULT_NAME_TEMPLATE;
        if (pipelineVersion == null || pipelineVersion.isBlank()) pipelineVersion = VERSION;
        distribution = distribution == null ? DistributionOptions.none() : distribution;
        distribution.problem().ifPresent(p -> {
            throw new IllegalArgumentException("the distribution defaults are invalid: " + p);
        });
        for (String key : extraTags.keySet()) {
            if (!TAG_KEY.matcher(key).matches() || key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw new IllegalArgumentException(EnvKeys.EXTRA_TAGS + ": '" + key + "' is not a valid tag key "
                        + "(1-128 letters, digits, spaces and _.:/=+-@; not starting with aws:)");
            }
        }
    }

    public static PipelineSettings defaults() {
        return new PipelineSettings("", "", "auto", "", "", Map.of(), "", "vmimport", 0, DEFAULT_NAME_TEMPLATE, VERSION,
                "adopt", Timing.aws(), DistributionOptions.none());
    }

    public PipelineSettings withTiming(Timing t) {
        return new PipelineSettings(imagePrefix, defaultBootMode, defaultImportMode, defaultLicenseType, defaultTeam, extraTags, kmsKeyId,
                vmimportRoleName, maxConcurrentImports, amiNameTemplate, pipelineVersion, reconcileAction, t, distribution);
    }

    public PipelineSettings withVmimportRoleName(String role) {
        return new PipelineSettings(imagePrefix, defaultBootMode, defaultImportMode, defaultLicenseType, defaultTeam, extraTags, kmsKeyId,
                role, maxConcurrentImports, amiNameTemplate, pipelineVersion, reconcileAction, timing, distribution);
    }

    public PipelineSettings withDistribution(DistributionOptions d) {
        return new PipelineSettings(imagePrefix, defaultBootMode, defaultImportMode, defaultLicenseType, defaultTeam, extraTags, kmsKeyId,
                vmimportRoleName, maxConcurrentImports, amiNameTemplate, pipelineVersion, reconcileAction, timing, d);
    }

    /** Every setting as the environment variable the functions read. */
    public Map<String, String> toEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(EnvKeys.IMAGE_PREFIX, imagePrefix);
        env.put(EnvKeys.DEFAULT_BOOT_MODE, defaultBootMode);
        env.put(EnvKeys.DEFAULT_IMPORT_MODE, defaultImportMode);
        env.put(EnvKeys.DEFAULT_LICENSE_TYPE, defaultLicenseType);
        env.put(EnvKeys.DEFAULT_TEAM, defaultTeam);
        env.put(EnvKeys.EXTRA_TAGS, KeyValues.format(extraTags));
        env.put(EnvKeys.KMS_KEY_ID, kmsKeyId);
        env.put(EnvKeys.VMIMPORT_ROLE_NAME, vmimportRoleName);
        env.put(EnvKeys.MAX_CONCURRENT_IMPORTS, Integer.toString(maxConcurrentImports));
        env.put(EnvKeys.AMI_NAME_TEMPLATE, amiNameTemplate);
        env.put(EnvKeys.PIPELINE_VERSION, pipelineVersion);
        env.put(EnvKeys.RECONCILE_ACTION, reconcileAction);
        env.put(EnvKeys.TIME_SCALE, Double.toString(timing.timeScale()));
        env.put(EnvKeys.POLL_SECONDS, Integer.toString(timing.pollSeconds()));
        env.put(EnvKeys.MIN_POLL_SECONDS, Integer.toString(timing.minPollSeconds()));
        env.put(EnvKeys.DEADLINE_SECONDS, Integer.toString(timing.deadlineSeconds()));
        env.put(EnvKeys.MAX_ATTEMPTS, Integer.toString(timing.maxAttempts()));
        env.put(EnvKeys.STALL_SECONDS, KeyValues.format(new TreeMap<>(timing.stallSeconds())));
        env.put(EnvKeys.QUOTA_BACKOFF_SECONDS, Integer.toString(timing.quotaBackoffSeconds()));
        env.put(EnvKeys.QUOTA_BACKOFF_MAX_SECONDS, Integer.toString(timing.quotaBackoffMaxSeconds()));
        env.put(EnvKeys.RETRY_BACKOFF_SECONDS, Integer.toString(timing.retryBackoffSeconds()));
        env.put(EnvKeys.SHARE_WITH, DistributionEnvironment.shareWith(distribution.shareWith()));
        env.put(EnvKeys.COPY_TO_REGIONS, String.join(",", distribution.copyToRegions()));
        env.put(EnvKeys.REGION_KMS_KEYS, KeyValues.format(distribution.regionKmsKeys()));
        env.put(EnvKeys.SSM_PARAMETER, distribution.ssmParameter());
        env.put(EnvKeys.DEPRECATE_AFTER_DAYS, distribution.deprecateAfterDays() == null ? "" : distribution.deprecateAfterDays().toString());
        env.put(EnvKeys.IMDS_SUPPORT, distribution.imdsSupport());
        env.put(EnvKeys.SOURCE_DISPOSITION, distribution.sourceDisposition());
        return env;
    }

    /** Reads the settings a function was deployed with; missing keys take their defaults. */
    public static PipelineSettings fromEnvironment(Map<String, String> env) {
        PipelineSettings d = defaults();
        Timing t = d.timing();
        Timing timing = new Timing(
                decimal(env, EnvKeys.TIME_SCALE, t.timeScale()),
                integer(env, EnvKeys.POLL_SECONDS, t.pollSeconds()),
                integer(env, EnvKeys.MIN_POLL_SECONDS, t.minPollSeconds()),
                integer(env, EnvKeys.DEADLINE_SECONDS, t.deadlineSeconds()),
                integer(env, EnvKeys.MAX_ATTEMPTS, t.maxAttempts()),
                stallSeconds(env.getOrDefault(EnvKeys.STALL_SECONDS, "")),
                integer(env, EnvKeys.QUOTA_BACKOFF_SECONDS, t.quotaBackoffSeconds()),
                integer(env, EnvKeys.QUOTA_BACKOFF_MAX_SECONDS, t.quotaBackoffMaxSeconds()),
                integer(env, EnvKeys.RETRY_BACKOFF_SECONDS, t.retryBackoffSeconds()));
        return new PipelineSettings(
                env.getOrDefault(EnvKeys.IMAGE_PREFIX, d.imagePrefix()),
                env.getOrDefault(EnvKeys.DEFAULT_BOOT_MODE, d.defaultBootMode()),
                env.getOrDefault(EnvKeys.DEFAULT_IMPORT_MODE, d.defaultImportMode()),
                env.getOrDefault(EnvKeys.DEFAULT_LICENSE_TYPE, d.defaultLicenseType()),
                env.getOrDefault(EnvKeys.DEFAULT_TEAM, d.defaultTeam()),
                KeyValues.parse(EnvKeys.EXTRA_TAGS, env.getOrDefault(EnvKeys.EXTRA_TAGS, "")),
                env.getOrDefault(EnvKeys.KMS_KEY_ID, d.kmsKeyId()),
                env.getOrDefault(EnvKeys.VMIMPORT_ROLE_NAME, d.vmimportRoleName()),
                integer(env, EnvKeys.MAX_CONCURRENT_IMPORTS, d.maxConcurrentImports()),
                env.getOrDefault(EnvKeys.AMI_NAME_TEMPLATE, d.amiNameTemplate()),
                env.getOrDefault(EnvKeys.PIPELINE_VERSION, d.pipelineVersion()),
                env.getOrDefault(EnvKeys.RECONCILE_ACTION, d.reconcileAction()),
                timing,
                DistributionEnvironment.read(env));
    }

    /** "3600" for every stage, or "booting=3600,converting=7200" per stage. */
    public static Map<String, Integer> stallSeconds(String text) {
        if (text == null || text.isBlank()) return Map.of();
        Map<String, Integer> out = new TreeMap<>();
        if (!text.contains("=")) {
            out.put("*", parseInt(EnvKeys.STALL_SECONDS, text.trim()));
            return out;
        }
        KeyValues.parse(EnvKeys.STALL_SECONDS, text).forEach((stage, seconds) -> out.put(stage, parseInt(EnvKeys.STALL_SECONDS, seconds)));
        return out;
    }

    private static int integer(Map<String, String> env, String key, int fallback) {
        String v = env.get(key);
        return v == null || v.isBlank() ? fallback : parseInt(key, v.trim());
    }

    private static double decimal(Map<String, String> env, String key, double fallback) {
        String v = env.get(key);
        if (v == null || v.isBlank()) return fallback;
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, was '" + v + "'");
        }
    }

    private static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, was '" + v + "'");
        }
    }

    private static String oneOf(String key, String value, Set<String> allowed) {
        String v = value == null ? "" : value.trim();
        if (!allowed.contains(v)) {
            throw new IllegalArgumentException(key + " must be one of " + new java.util.TreeSet<>(allowed).toString().replace("[, ", "[(empty), ") + ", was '" + value + "'");
        }
        return v;
    }

    private static void atLeast(String key, long value, long min) {
        if (value < min) throw new IllegalArgumentException(key + " must be at least " + min + ", was " + value);
    }

    private static void positive(String key, double value) {
        if (!(value > 0)) throw new IllegalArgumentException(key + " must be above 0, was " + value);
    }
}
