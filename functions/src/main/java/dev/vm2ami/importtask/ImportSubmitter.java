package dev.vm2ami.importtask;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.image.verdict.ImportPath;
import dev.vm2ami.job.FailureCategory;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Sha256;
import dev.vm2ami.job.TaskDecision;
import dev.vm2ami.job.PermissionDenied;
import dev.vm2ami.job.TransientFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts the import task of an attempt. When the account's import quota is exhausted (or an own
 * admission limit is reached) it does not fail: it answers "not admitted, ask again after N s"
 * with exponential backoff and full jitter, and the state machine waits in a Wait state.
 */
public final class ImportSubmitter {
    private static final Logger LOG = LoggerFactory.getLogger(ImportSubmitter.class);
    public static final String TAG_EXECUTION = "vm2ami:execution";
    public static final String TAG_SOURCE_BUCKET = "vm2ami:source-bucket";
    public static final String TAG_SOURCE_KEY = "vm2ami:source-key";
    public static final String TAG_ATTEMPT = "vm2ami:attempt";
    /** The state machine (so the stack) the task belongs to: a reconciler touches only its own stack's tasks. */
    public static final String TAG_STATE_MACHINE = "vm2ami:state-machine";
    /** On snapshot tasks: what RegisterImage needs, so that an execution adopting the task registers the same AMI. */
    public static final String TAG_ARCHITECTURE = "vm2ami:architecture";
    public static final String TAG_BOOT_MODE = "vm2ami:boot-mode";
    public static final String TAG_TPM_SUPPORT = "vm2ami:tpm-support";

    private final ImportService imports;
    private final PipelineSettings settings;
    private final Backoff backoff;
    private final Clock clock;

    private final String stateMachineArn;
    private final SourceObjects sources;

    /**
     * @param stateMachineArn the state machine whose executions this step serves (tagged on every task)
     * @param sources         what the image's key holds now (checked against what was inspected)
     */
    public ImportSubmitter(ImportService imports, SourceObjects sources, PipelineSettings settings, String stateMachineArn,
                           Backoff backoff, Clock clock) {
        this.stateMachineArn = java.util.Objects.requireNonNull(stateMachineArn, "VM2AMI_STATE_MACHINE_ARN is not set");
        this.sources = sources;
        this.imports = imports;
        this.settings = settings;
        this.backoff = backoff;
        this.clock = clock;
    }

    public ImportJob submit(ImportJob job) {
        ImportJob.Submission previous = job.submission();
        // A new attempt after a retryable failure; the same attempt again after a quota wait.
        int attempt = previous == null ? 1 : previous.admitted() ? previous.attempt() + 1 : previous.attempt();
        int quotaWaits = previous == null || previous.admitted() ? 0 : previous.quotaWaits();
        String firstTriedAt = previous != null && !previous.admitted() ? previous.firstTriedAt() : clock.instant().toString();
        String token = clientToken(job.executionName(), attempt);
        ImportPath path = pathOf(job);

        if (settings.maxConcurrentImports() > 0) {
            int active = countActiveOrNull(job);
            if (active >= settings.maxConcurrentImports()) {
                LOG.info("{} import tasks active, at the configured limit of {}: waiting", active, settings.maxConcurrentImports());
                return notAdmitted(job, attempt, token, quotaWaits + 1, firstTriedAt);
            }
        }

        Optional<String> changed = changedSinceInspection(job.importedObject());
        if (changed.isPresent()) {
            LOG.warn("not importing: {}", changed.get());
            return job.withSubmission(new ImportJob.Submission(attempt, token, true, quotaWaits, 0, firstTriedAt, null, null, path))
                    .withFailure(new ImportJob.Failure(FailureCategory.CLIENT_ERROR, changed.get(),
                            "Nothing to do if the new upload is the one you want: it is imported by its own execution, with its "
                                    + "own notification. Upload each image under a key of its own to import both.", null));
        }
        ImportRequest request = request(job, token, attempt);
        String api = path == ImportPath.SNAPSHOT ? "ImportSnapshot" : "ImportImage";
        String taskId;
        try {
            taskId = path == ImportPath.SNAPSHOT ? imports.startSnapshotImport(request) : imports.startImport(request);
        } catch (ImportApiException e) {
            if (e.denied()) throw PermissionDenied.of("ec2:" + api, null, e.getMessage(), e);
            if (e.quotaExhausted() || e.throttled()) {
                LOG.info("{} answered {}: waiting for a free import slot", api, e.code());
                return notAdmitted(job, attempt, token, quotaWaits + 1, firstTriedAt);
            }
            if (e.serverSide()) {
                throw new TransientFailure(api + " failed on the AWS side for " + job.source().key() + ": " + e.getMessage(), e);
            }
            FailureCatalog.Classification c = FailureCatalog.classify(e.code() + ": " + e.getMessage());
            FailureCategory category = c.category() == FailureCategory.SERVER_ERROR ? FailureCategory.CLIENT_ERROR : c.category();
            LOG.warn("{} refused the request: {}", api, e.getMessage());
            return job.withSubmission(new ImportJob.Submission(attempt, token, true, quotaWaits, 0, firstTriedAt, null, null, path))
                    .withFailure(new ImportJob.Failure(category, api + " refused the image: " + c.summary(),
                            c.hint(), e.getMessage()));
        }
        String now = clock.instant().toString();
        LOG.info("started import task {} (attempt {}, {} path)", taskId, attempt, path.value());
        List<ImportJob.Attempt> attempts = new ArrayList<>(job.attempts());
        if (attempts.stream().noneMatch(a -> a.importTaskId().equals(taskId))) {
            attempts.add(new ImportJob.Attempt(attempt, taskId, now, null, null, null));
        }
        ImportStages stages = path == ImportPath.SNAPSHOT ? ImportStages.snapshot() : ImportStages.measured();
        int firstLook = Math.max(job.timing().minPollSeconds(),
                (int) Math.min(job.timing().pollSeconds(), stages.all().get(0).seconds() * job.timing().timeScale()));
        return job.withSubmission(new ImportJob.Submission(attempt, token, true, quotaWaits, 0, firstTriedAt, now, taskId, path))
                .withAttempts(attempts)
                .withTask(new ImportJob.TaskStatus(taskId, "active", null, null, null, List.of(), List.of(), now, TaskDecision.WAIT,
                        firstLook, null, null, 0, 0));
    }

    /**
     * ImportImage reads the key's latest version, not the one the pre-flight check read: when the key was
     * overwritten (or deleted) since, importing would turn bytes nobody inspected into this image's AMI.
     */
    private Optional<String> changedSinceInspection(ImportJob.SourceObject source) {
        String inspected = source.version();
        if (inspected == null) return Optional.empty(); // nothing to compare with (an event without version or ETag)
        String where = "s3://" + source.bucket() + "/" + source.key();
        Optional<SourceObjects.Latest> latest = sources.latest(source.bucket(), source.key());
        if (latest.isEmpty()) {
            return Optional.of(where + " was deleted after vm2ami inspected it, before the import started");
        }
        String now = latest.get().version();
        if (now != null && !now.equals(inspected)) {
            return Optional.of(where + " was overwritten after vm2ami inspected it (inspected " + inspected + ", now " + now
                    + "): ImportImage reads the latest version, so vm2ami does not import bytes it did not inspect");
        }
        return Optional.empty();
    }

    private int countActiveOrNull(ImportJob job) {
        try {
            return imports.countActive();
        } catch (ImportApiException e) {
            if (e.throttled()) return Integer.MAX_VALUE; // cannot tell: wait as if full
            if (e.denied()) throw PermissionDenied.of("ec2:DescribeImportImageTasks", null, e.getMessage(), e);
            throw new TransientFailure("could not count active import tasks for " + job.source().key(), e);
        }
    }

    private ImportJob notAdmitted(ImportJob job, int attempt, String token, int quotaWaits, String firstTriedAt) {
        int wait = backoff.seconds(quotaWaits, job.timing().quotaBackoffSeconds(), job.timing().quotaBackoffMaxSeconds());
        return job.withSubmission(new ImportJob.Submission(attempt, token, false, quotaWaits, wait, firstTriedAt, null, null,
                pathOf(job)));
    }

    /**
     * The path of this attempt: the one the previous attempt took or was switched to (after an ImportImage refusal
     * the snapshot path fixes), else the one the inspection chose.
     */
    static ImportPath pathOf(ImportJob job) {
        if (job.submission() != null && job.submission().importPath() != null) return job.submission().importPath();
        if (job.inspection() != null && job.inspection().importPath() != null) return job.inspection().importPath();
        return ImportPath.IMAGE;
    }

    ImportRequest request(ImportJob job, String token, int attempt) {
        ImportJob.ImageOptions o = job.image();
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(TAG_EXECUTION, job.executionName());
        tags.put(TAG_SOURCE_BUCKET, job.source().bucket());
        tags.put(TAG_SOURCE_KEY, truncate(job.source().key(), 256));
        tags.put(TAG_ATTEMPT, Integer.toString(attempt));
        tags.put(TAG_STATE_MACHINE, stateMachineArn);
        if (pathOf(job) == ImportPath.SNAPSHOT) {
            if (o.architecture() != null) tags.put(TAG_ARCHITECTURE, o.architecture());
            if (o.bootMode() != null) tags.put(TAG_BOOT_MODE, o.bootMode());
            if (o.tpmSupport() != null) tags.put(TAG_TPM_SUPPORT, o.tpmSupport());
        }
        String description = o.description() != null && !o.description().isBlank() ? o.description()
                : truncate("vm2ami import of s3://" + job.source().bucket() + "/" + job.source().key(), 255);
        // A converted image is imported from the converted object; the tags and description name the upload.
        ImportJob.SourceObject imported = job.importedObject();
        String format = job.conversion() != null && job.conversion().converted() ? job.conversion().format() : o.format();
        return new ImportRequest(format.toLowerCase(java.util.Locale.ROOT), imported.bucket(), imported.key(),
                settings.vmimportRoleName(), description, token, nz(o.licenseType()), nz(o.bootMode()), nz(o.platform()),
                nz(o.architecture()), nz(o.usageOperation()), settings.kmsKeyId(), tags);
    }

    /** One token per execution and attempt: a retried Lambda gets the same task, a new attempt a new one. */
    public static String clientToken(String executionName, int attempt) {
        return "vm2ami-" + Sha256.hex(executionName + "#" + attempt).substring(0, 48);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
