package dev.vm2ami.infra;

import dev.vm2ami.config.DistributionEnvironment;
import dev.vm2ami.config.DistributionOptions;
import dev.vm2ami.config.KeyValues;
import dev.vm2ami.job.Json;
import dev.vm2ami.config.ConversionSettings;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.wiring.ResourceNames;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Everything the stack is built from: the pipeline settings the functions receive, plus what only the
 * stack uses (names, subscriptions, logging, alarms). Read once from the layered configuration, so an
 * invalid value stops the synth before any resource is defined.
 *
 * @param stackName                 CloudFormation stack name; prefixes function, topic and state machine names
 * @param settings                  what the functions read (the vmimport role name is filled in by the stack)
 * @param kmsKeyArn                 customer key for the bucket and the AMI snapshots, if any
 * @param reconcileIntervalMinutes  how often the reconciler looks for orphaned import tasks
 * @param intakeMaxConcurrency      most start-function instances the intake queue drives at once
 * @param logRetentionDays          retention of every log group the stack creates
 * @param stateMachineLogLevel      ALL or ERROR
 * @param conversion                where converted images go and which engine converts them (the start, inspect
 *                                  and convert functions read it)
 * @param conversionMaxJobs         most conversion jobs AWS Batch runs at once (the Fargate compute environment's
 *                                  maxvCpus is this many jobs' vCPUs); more wait in the job queue
 */
public record StackConfig(String stackName, PipelineSettings settings, Optional<String> kmsKeyArn,
                          List<String> notificationEmails, List<TopicSubscription> subscriptions, List<String> opsEmails,
                          boolean accessLogging, int logRetentionDays, String stateMachineLogLevel,
                          boolean stateMachineLogExecutionData, int intakeMaxConcurrency, int reconcileIntervalMinutes,
                          ConversionSettings conversion, int conversionMaxJobs) {

    private static final Pattern STACK_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,39}");
    private static final Pattern KEY_ARN = Pattern.compile("arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/[A-Za-z0-9-]+");

    public StackConfig {
        notificationEmails = List.copyOf(notificationEmails);
        subscriptions = List.copyOf(subscriptions);
        opsEmails = List.copyOf(opsEmails);
    }

    /** Every subscription to the notification topic: the plain emails, then the configured ones. */
    public List<TopicSubscription> topicSubscriptions() {
        List<TopicSubscription> all = new ArrayList<>();
        notificationEmails.forEach(e -> all.add(new TopicSubscription(TopicSubscription.Protocol.EMAIL, e, Map.of(), false)));
        all.addAll(subscriptions);
        return all;
    }

    /** S3 and EBS encryption take a key from the bucket's and the snapshots' own region only. */
    public void requireKeyIn(String region) {
        kmsKeyArn.map(arn -> arn.split(":")[3]).filter(keyRegion -> !keyRegion.equals(region)).ifPresent(keyRegion -> {
            throw new ConfigurationException(ConfigKey.KMS_KEY_ARN.key() + " must be a key in the stack's region "
                    + region + ", was one in " + keyRegion);
        });
    }

    /** The import state machine's name; policies name it before it exists. */
    public String stateMachineName() {
        return ResourceNames.stateMachine(stackName);
    }

    /**
     * Reads the configuration of a CDK app.
     *
     * @param context the app's context (node::tryGetContext)
     * @param account the target account when known (selects {@code config/<account>.json})
     * @param baseDir the CDK app's folder (infra-cdk)
     */
    public static StackConfig load(Function<String, Object> context, Optional<String> account, Path baseDir) {
        return read(new ConfigReader(ConfigLayers.load(context, account, baseDir)));
    }

    private static StackConfig read(ConfigReader in) {
        String stackName = in.text(ConfigKey.STACK_NAME);
        if (!STACK_NAME.matcher(stackName).matches()) {
            throw in.invalid(ConfigKey.STACK_NAME, "must start with a letter and have at most 40 letters, digits and hyphens");
        }
        String kmsKeyArn = in.text(ConfigKey.KMS_KEY_ARN);
        if (!kmsKeyArn.isEmpty() && !KEY_ARN.matcher(kmsKeyArn).matches()) {
            throw in.invalid(ConfigKey.KMS_KEY_ARN, "must be empty or a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; not an alias)");
        }
        PipelineSettings settings = pipelineSettings(in, kmsKeyArn);
        int retention = in.integer(ConfigKey.LOG_RETENTION_DAYS, 1, 3653);
        if (LogRetention.of(retention).isEmpty()) {
            throw in.invalid(ConfigKey.LOG_RETENTION_DAYS, "must be one of " + LogRetention.BY_DAYS.keySet());
        }
        StackConfig config = new StackConfig(stackName, settings, Optional.of(kmsKeyArn).filter(s -> !s.isEmpty()),
                emails(in, ConfigKey.NOTIFICATION_EMAILS), subscriptions(in), emails(in, ConfigKey.OPS_EMAILS),
                in.bool(ConfigKey.ACCESS_LOGGING), retention,
                in.oneOf(ConfigKey.STATE_MACHINE_LOG_LEVEL, Set.of("ALL", "ERROR")),
                in.bool(ConfigKey.STATE_MACHINE_LOG_EXECUTION_DATA),
                in.integer(ConfigKey.INTAKE_MAX_CONCURRENCY, 2, 1000),
                in.integer(ConfigKey.RECONCILE_INTERVAL_MINUTES, 1, 1440),
                conversionSettings(in),
                in.integer(ConfigKey.CONVERSION_MAX_JOBS, 1, 256));
        rejectDuplicates(config.topicSubscriptions().stream().map(s -> s.protocol() + " " + s.endpoint()).toList(),
                ConfigKey.NOTIFICATION_EMAILS.key() + " and " + ConfigKey.SUBSCRIPTIONS.key());
        rejectDuplicates(config.opsEmails(), ConfigKey.OPS_EMAILS.key());
        return config;
    }

    /** SNS keeps one subscription per endpoint and topic, so a second one (e.g. with another filter) would clash. */
    private static void rejectDuplicates(List<String> endpoints, String where) {
        Set<String> seen = new HashSet<>();
        for (String endpoint : endpoints) {
            if (!seen.add(endpoint.toLowerCase(Locale.ROOT))) {
                throw new ConfigurationException(where + " subscribe " + endpoint + " more than once; "
                        + "SNS allows one subscription (and one filter policy) per endpoint");
            }
        }
    }

    /** PipelineSettings validates its own values; its messages name the environment key, so name the context key too. */
    private static PipelineSettings pipelineSettings(ConfigReader in, String kmsKeyArn) {
        try {
            PipelineSettings.Timing timing = new PipelineSettings.Timing(1.0,
                    in.integer(ConfigKey.POLL_SECONDS, 1, Integer.MAX_VALUE),
                    in.integer(ConfigKey.MIN_POLL_SECONDS, 1, Integer.MAX_VALUE),
                    in.integer(ConfigKey.DEADLINE_SECONDS, 1, Integer.MAX_VALUE),
                    in.integer(ConfigKey.MAX_ATTEMPTS, 1, Integer.MAX_VALUE),
                    PipelineSettings.stallSeconds(stallSeconds(in)),
                    in.integer(ConfigKey.QUOTA_BACKOFF_SECONDS, 1, Integer.MAX_VALUE),
                    in.integer(ConfigKey.QUOTA_BACKOFF_MAX_SECONDS, 1, Integer.MAX_VALUE),
                    in.integer(ConfigKey.RETRY_BACKOFF_SECONDS, 0, Integer.MAX_VALUE));
            return new PipelineSettings(in.text(ConfigKey.IMAGE_PREFIX), in.text(ConfigKey.DEFAULT_BOOT_MODE),
                    in.text(ConfigKey.DEFAULT_IMPORT_MODE),
                    in.text(ConfigKey.DEFAULT_LICENSE_TYPE), in.text(ConfigKey.DEFAULT_TEAM), in.map(ConfigKey.EXTRA_TAGS),
                    kmsKeyArn, PipelineSettings.defaults().vmimportRoleName(),
                    in.integer(ConfigKey.MAX_CONCURRENT_IMPORTS, 0, Integer.MAX_VALUE), in.text(ConfigKey.AMI_NAME_TEMPLATE),
                    null, in.text(ConfigKey.RECONCILE_ACTION), timing, distribution(in));
        } catch (ConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw namingTheKey(in, e);
        }
    }

    /**
     * The distribution defaults. Each key is checked on its own, so a message names the key that is wrong
     * and where it was set; cross-key rules (a region's key) are DistributionOptions' own.
     */
    private static DistributionOptions distribution(ConfigReader in) {
        DistributionOptions.ShareWith shareWith;
        Object share = in.value(ConfigKey.SHARE_WITH);
        try {
            if (share instanceof String text && !text.isBlank()) share = ConfigLayers.parseJson(text, ConfigKey.SHARE_WITH.key());
            shareWith = share == null || (share instanceof String text && text.isBlank()) ? DistributionOptions.ShareWith.none()
                    : DistributionEnvironment.shareWith(Json.MAPPER.valueToTree(share));
        } catch (IllegalArgumentException e) {
            throw in.invalid(ConfigKey.SHARE_WITH, "must be {\"accounts\": [...], \"organizationArns\": [...], "
                    + "\"organizationalUnitArns\": [...]} (" + e.getMessage() + ")");
        }
        int days = in.integer(ConfigKey.DEPRECATE_AFTER_DAYS, 0, DistributionOptions.MAX_DEPRECATE_DAYS);
        DistributionOptions options = new DistributionOptions(shareWith, in.list(ConfigKey.COPY_TO_REGIONS),
                in.map(ConfigKey.REGION_KMS_KEYS), in.text(ConfigKey.SSM_PARAMETER), days == 0 ? null : days,
                in.oneOf(ConfigKey.IMDS_SUPPORT, Set.of("", DistributionOptions.IMDS_V2)),
                in.oneOf(ConfigKey.SOURCE_DISPOSITION, Set.of(DistributionOptions.KEEP, DistributionOptions.TAG, DistributionOptions.DELETE)));
        options.problem().ifPresent(p -> {
            throw new ConfigurationException("the distribution defaults are invalid: " + p);
        });
        return options;
    }

    private static ConversionSettings conversionSettings(ConfigReader in) {
        try {
            return new ConversionSettings(in.text(ConfigKey.CONVERTED_PREFIX),
                    in.wholeNumber(ConfigKey.CONVERSION_LAMBDA_MAX_BYTES, 0, Long.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw namingTheKey(in, e);
        }
    }

    /** Every setting the functions read, as their environment variables. */
    public java.util.Map<String, String> functionSettings(PipelineSettings pipeline) {
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>(pipeline.toEnvironment());
        env.putAll(conversion.toEnvironment());
        return env;
    }

    /** "3600", 3600, "booting=3600,converting=7200" or {"booting": 3600}: PipelineSettings parses the text form. */
    private static String stallSeconds(ConfigReader in) {
        Object v = in.value(ConfigKey.STALL_SECONDS);
        if (v instanceof Map<?, ?> map) {
            return KeyValues.format(map.entrySet().stream()
                    .collect(Collectors.toMap(e -> String.valueOf(e.getKey()), Map.Entry::getValue)));
        }
        return v == null ? "" : String.valueOf(v).trim();
    }

    private static ConfigurationException namingTheKey(ConfigReader in, IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        return Stream.of(ConfigKey.values())
                .filter(k -> k.envKey().isPresent() && message.startsWith(k.envKey().get()))
                .max(Comparator.comparingInt(k -> k.envKey().get().length()))
                .map(k -> new ConfigurationException(k.key() + " (" + k.envKey().get() + ")"
                        + message.substring(k.envKey().get().length()) + " (from " + in.source(k) + ")"))
                .orElseGet(() -> new ConfigurationException(message));
    }

    private static List<String> emails(ConfigReader in, ConfigKey key) {
        List<String> emails = in.list(key);
        for (String email : emails) {
            if (!TopicSubscription.EMAIL.matcher(email).matches()) throw in.invalid(key, "must list email addresses");
        }
        return emails;
    }

    private static List<TopicSubscription> subscriptions(ConfigReader in) {
        List<TopicSubscription> out = new ArrayList<>();
        List<Map<String, Object>> entries = in.objects(ConfigKey.SUBSCRIPTIONS);
        for (int i = 0; i < entries.size(); i++) {
            String where = ConfigKey.SUBSCRIPTIONS.key() + "[" + i + "] (from " + in.source(ConfigKey.SUBSCRIPTIONS) + ")";
            out.add(TopicSubscription.parse(entries.get(i), where));
        }
        return out;
    }
}
