package dev.vm2ami.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vm2ami.config.DistributionOptions;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.os.OsFacts;
import dev.vm2ami.image.verdict.ImportPath;
import dev.vm2ami.image.verdict.PartitionInfo;
import dev.vm2ami.image.verdict.Verdict;

import java.util.List;
import java.util.Map;

/**
 * The state of one image's import: the document the state machine carries from step to step.
 * The start function creates it; every Lambda takes it whole and returns it updated; the notify
 * step turns it into the notification. Absent parts are null (and left out of the JSON).
 *
 * @param executionName the Step Functions execution, one per object version
 * @param receivedAt    when the start function saw the S3 event (ISO-8601)
 * @param timing        polling, stall, deadline and retry knobs (minutes on AWS, seconds locally)
 * @param adoption      set when the reconciler hands this execution an import task started elsewhere
 * @param image         what will be imported and how (format and per-image options)
 * @param inspection    the pre-flight verdict
 * @param submission    the current ImportImage attempt
 * @param attempts      every import task started for this image and how it ended
 * @param task          the current import task as DescribeImportImageTasks last showed it
 * @param ami           the named AMI
 * @param failure       why the image did not become an AMI
 * @param fault         what Step Functions caught when a step itself failed
 * @param notification  the terminal notification
 * @param distribution  what became of the AMI once it existed: shared, copied, published, deprecated; the source's fate
 * @param conversion    for an image converted before it is imported: the plan, then what the conversion did
 */
public record ImportJob(String executionName, String receivedAt, SourceObject source, PipelineSettings.Timing timing,
                        Adoption adoption, ImageOptions image, Inspection inspection, Submission submission,
                        List<Attempt> attempts, TaskStatus task, AmiResult ami, Failure failure, Fault fault,
                        Notification notification, Distribution distribution, Conversion conversion) {

    public ImportJob {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    public static ImportJob start(String executionName, String receivedAt, SourceObject source, PipelineSettings.Timing timing) {
        return new ImportJob(executionName, receivedAt, source, timing, null, null, null, null, List.of(), null, null, null, null, null, null, null);
    }

    /** The S3 object version this job imports. */
    public record SourceObject(String bucket, String key, String versionId, String etag, Long size, String sequencer,
                               String eventTime) {
        /** versionId when the bucket is versioned, else the ETag: what identifies the content. */
        public String version() {
            return versionId != null && !versionId.isBlank() && !"null".equals(versionId) ? versionId : etag;
        }
    }

    /** An import task this execution takes over (from the reconciler). */
    public record Adoption(String importTaskId, String previousExecution, String adoptedAt) {}

    /**
     * What the import will ask for: the format found in the bytes and the per-image options
     * (sidecar manifest, then object metadata, then the stack's defaults).
     */
    public record ImageOptions(String format, String team, String licenseType, String bootMode, String description,
                               String platform, String architecture, String usageOperation, String amiName,
                               Map<String, String> tags, DistributionOptions distribution, String importMode,
                               String tpmSupport) {
        public ImageOptions {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }

        /**
         * @param importMode image, snapshot or auto (the manifest's, else the metadata's, else the stack's {@code defaultImportMode})
         * @param tpmSupport {@code v2.0} to register the AMI with NitroTPM (snapshot path, UEFI), else null
         */
        public ImageOptions withImportOptions(String importMode, String tpmSupport) {
            return new ImageOptions(format, team, licenseType, bootMode, description, platform, architecture, usageOperation,
                    amiName, tags, distribution, importMode, tpmSupport);
        }
    }

    /**
     * What the distribution steps did with the AMI (after it was available) and with its source.
     *
     * @param sharedWith        who was given launch permission (accounts also createVolumePermission on the snapshots)
     * @param ssmParameter      the parameter that holds the AMI id in every region that has it
     * @param deprecationTime   when the AMI (and each copy) is deprecated, ISO-8601
     * @param copies            one per region in copyToRegions: PENDING, then AVAILABLE or FAILED
     * @param sourceDisposition what was done to the source object version: kept, tagged or deleted
     * @param sourceNote        why it was kept when deletion was asked (e.g. a copy failed), else null
     */
    public record Distribution(DistributionOptions.ShareWith sharedWith, String ssmParameter, String deprecationTime,
                               String imdsSupport, List<RegionCopy> copies, String sourceDisposition, String sourceNote) {
        public Distribution {
            copies = copies == null ? List.of() : List.copyOf(copies);
        }

        public Distribution withCopies(List<RegionCopy> c) {
            return new Distribution(sharedWith, ssmParameter, deprecationTime, imdsSupport, c, sourceDisposition, sourceNote);
        }

        public Distribution withSource(String disposition, String note) {
            return new Distribution(sharedWith, ssmParameter, deprecationTime, imdsSupport, copies, disposition, note);
        }
    }

    /**
     * The copy of the AMI in one region.
     *
     * @param status           PENDING while CopyImage runs, AVAILABLE when the copy is shared and published, FAILED
     * @param message          why it failed (EC2's words), else null
     * @param nextCheckSeconds how long to wait before looking again while PENDING
     */
    public record RegionCopy(String region, String imageId, String status, String message, int nextCheckSeconds) {
        public static final String PENDING = "PENDING";
        public static final String AVAILABLE = "AVAILABLE";
        public static final String FAILED = "FAILED";
    }

    /**
     * @param os         the operating system found on the boot disk (the notification's {@code os} object), or null
     * @param bootMode   the boot mode the disk boots with (requested, else detected), or null when it has none
     * @param importPath the path the image takes (from its importMode and the findings), or null when rejected early
     * @param cloudReady whether the image boots on EC2 as it is (ENA, NVMe, root by UUID/LABEL, a boot loader for
     *                   the boot mode): with importMode auto, an ImportImage refusal the snapshot path fixes is retried there
     */
    public record Inspection(Verdict verdict, String format, List<Finding> findings, List<PartitionInfo> partitions,
                             long bytesRead, int rangeRequests, OsFacts os, String bootMode, ImportPath importPath,
                             boolean cloudReady) {
        public Inspection {
            findings = findings == null ? List.of() : List.copyOf(findings);
            partitions = partitions == null ? List.of() : List.copyOf(partitions);
        }
    }

    /**
     * @param admitted          false while the account's import quota is exhausted
     * @param quotaWaits        how many times ImportImage answered that the quota is exhausted
     * @param retryAfterSeconds how long to wait before asking again
     * @param importPath        the path of this attempt (ImportImage or ImportSnapshot); null means the inspection's
     */
    public record Submission(int attempt, String clientToken, boolean admitted, int quotaWaits, int retryAfterSeconds,
                             String firstTriedAt, String submittedAt, String importTaskId, ImportPath importPath) {
        public Submission withImportPath(ImportPath path) {
            return new Submission(attempt, clientToken, admitted, quotaWaits, retryAfterSeconds, firstTriedAt, submittedAt,
                    importTaskId, path);
        }
    }

    /** One import task of this image and how it ended. */
    public record Attempt(int attempt, String importTaskId, String submittedAt, String endedAt, String outcome,
                          String message) {}

    /**
     * @param stages           when each StatusMessage stage was first seen
     * @param lastChangeAt     when status, stage or progress last changed (stall detection)
     * @param next             what the state machine does next
     * @param nextCheckSeconds how long to wait before the next look (or before re-submitting)
     * @param cancelReason     why vm2ami cancelled the task (STUCK, TIMEOUT, SERVER_ERROR)
     */
    public record TaskStatus(String importTaskId, String status, String statusMessage, Integer progress, String imageId,
                             List<String> snapshotIds, List<StageSeen> stages, String lastChangeAt, TaskDecision next,
                             int nextCheckSeconds, String cancelReason, String cancelledAt, int checks,
                             int throttledChecks) {
        public TaskStatus {
            snapshotIds = snapshotIds == null ? List.of() : List.copyOf(snapshotIds);
            stages = stages == null ? List.of() : List.copyOf(stages);
        }
    }

    public record StageSeen(String stage, String firstSeenAt, Integer progress) {}

    /**
     * @param intermediateImageId the {@code import-ami-…} image ImportImage registered
     * @param next                WAIT while the named copy is pending, DONE when it is available
     */
    public record AmiResult(String imageId, String imageName, String region, List<String> snapshotIds,
                            String intermediateImageId, AmiDecision next, int nextCheckSeconds) {
        public AmiResult {
            snapshotIds = snapshotIds == null ? List.of() : List.copyOf(snapshotIds);
        }
    }

    /**
     * @param category   why, in the terms of what a user does about it
     * @param message    what happened, in the user's terms
     * @param hint       what to do about it
     * @param awsMessage the message AWS gave, verbatim
     */
    public record Failure(FailureCategory category, String message, String hint, String awsMessage) {}

    /** What a Step Functions Catch put into the state: the error name and its cause. */
    public record Fault(@JsonProperty("Error") String error, @JsonProperty("Cause") String cause) {}

    /** The SNS message the Publish step sends. */
    public record Notification(String status, String subject, String message,
                               Map<String, MessageAttribute> messageAttributes) {}

    public record MessageAttribute(@JsonProperty("DataType") String dataType,
                                   @JsonProperty("StringValue") String stringValue) {
        public static MessageAttribute string(String value) {
            return new MessageAttribute("String", value);
        }
    }

    /**
     * A conversion before the import: planned by the inspect step, done by the convert engine, completed by
     * the inspection of the converted object. The notification's {@code conversion} object.
     *
     * @param from         what the image is ("qcow2 v3", "xz-compressed raw")
     * @param to           what it becomes ("stream-optimized VMDK")
     * @param format       ImportImage's format of the converted object ({@code vmdk})
     * @param engine       {@code lambda} or {@code batch}
     * @param bucket       the converted object's bucket
     * @param key          the converted object's key (under the converted prefix)
     * @param sizeBytes    the size the engine was chosen by (allocated, or decompressed, bytes)
     * @param command      the converter's arguments ({@code ConvertMain}), as the batch job runs them
     * @param bytesRead    bytes the converter read from the image
     * @param bytesWritten bytes of the converted object
     * @param seconds      how long the conversion took
     * @param versionId    the converted object's version (what ImportImage reads), or null in an unversioned bucket
     * @param etag         the converted object's ETag
     * @param batchJob     the AWS Batch job that converted it (batch engine)
     * @param fallback     why a conversion planned for Lambda ran on Batch instead (the error Lambda ended with)
     */
    public record Conversion(String from, String to, String format, String engine, String bucket, String key,
                             Long sizeBytes, List<String> command, Long bytesRead, Long bytesWritten, Double seconds,
                             String versionId, String etag, BatchJob batchJob, Fault fallback) {
        public static final String LAMBDA = "lambda";
        public static final String BATCH = "batch";

        public Conversion {
            command = command == null ? List.of() : List.copyOf(command);
        }

        /** The conversion as done: what the converter reports. */
        public Conversion done(long read, long written, double secs) {
            return new Conversion(from, to, format, engine, bucket, key, sizeBytes, command, read, written, secs, versionId, etag, batchJob, fallback);
        }

        /** The converted object as the inspection found it. */
        public Conversion stored(long written, String version, String tag) {
            return new Conversion(from, to, format, engine, bucket, key, sizeBytes, command, bytesRead, written, seconds, version, tag, batchJob, fallback);
        }

        /** The same conversion, done on AWS Batch (after a Lambda fallback the plan said lambda). */
        public Conversion onBatch() {
            return new Conversion(from, to, format, BATCH, bucket, key, sizeBytes, command, bytesRead, bytesWritten, seconds, versionId, etag, batchJob, fallback);
        }

        /** Whether the converter has run (its figures are in). */
        public boolean converted() {
            return bytesWritten != null;
        }

        /** The converted object, for the inspection and ImportImage. */
        public SourceObject object() {
            return new SourceObject(bucket, key, versionId, etag, bytesWritten, null, null);
        }
    }

    /** The AWS Batch job of a conversion, as the state machine's submitJob.sync reports it (times in epoch milliseconds). */
    public record BatchJob(String jobId, Long startedAt, Long stoppedAt) {}

    // Updates: each returns a copy with one part replaced.

    public ImportJob withAdoption(Adoption a) {
        return new ImportJob(executionName, receivedAt, source, timing, a, image, inspection, submission, attempts, task, ami, failure, fault, notification, distribution, conversion);
    }

    public ImportJob withImage(ImageOptions i) {
        return new ImportJob(executionName, receivedAt, source, timing, adoption, i, inspection, submission, attempts, task, ami, failure, fault, notification, distribution, conversion);
    }

    public ImportJob withInspection(Inspection i) {
        return new ImportJob(executionName, receivedAt, source, timing, adoption, image, i, submission, attempts, task, ami, failure, fault, notification, distribution, conversion);
    }

    public ImportJob withSubmission(Submission s) {
        return new ImportJob(executionName, receivedAt, source, timing, adoption, image, inspection, s, attempts, task, ami, failure, fault, notification, distribution, conversion);
    }

    public ImportJob withAttempts(List<Attempt> a) {
        return new ImportJob(executionName, receivedAt, source, timing, adoption, image, inspection, submission, a, task, ami, failure, fault, notification, distribution, conversion);
    }

    public ImportJob withTask(TaskStatus t) {
        return new ImportJob(executionName, receivedAt, source, timing, adoption, image, inspection, submission, attempts, t, ami, failure, fault, notification, distribution, conversion);
    }

    public ImportJob withAmi(AmiResult a) {
        return new ImportJob(executionName, receivedAt, source, timing, adoption, image, inspection, submission, attempts, task, a, failure, fault, notification, distribution, conversion);
    }

    public ImportJob withFailure(Failure f) {
        return new ImportJob(executionName, receivedAt, source, timing, adoption, image, inspection, submission, attempts, task, ami, f, fault, notification, distribution, conversion);
    }

    public ImportJob withNotification(Notification n) {
        return new ImportJob(executionName, receivedAt, source, timing, adoption, image, inspection, submission, attempts, task, ami, failure, fault, n, distribution, conversion);
    }

    public ImportJob withDistribution(Distribution d) {
        return new ImportJob(executionName, receivedAt, source, timing, adoption, image, inspection, submission, attempts, task, ami, failure, fault, notification, d, conversion);
    }

    public ImportJob withConversion(Conversion c) {
        return new ImportJob(executionName, receivedAt, source, timing, adoption, image, inspection, submission, attempts, task, ami, failure, fault, notification, distribution, c);
    }

    /** The object ImportImage imports: the converted one when the image was converted, else the uploaded one. */
    public SourceObject importedObject() {
        return conversion != null && conversion.converted() ? conversion.object() : source;
    }

    /** The import task id of the current attempt, if one was started. */
    public String importTaskId() {
        if (task != null && task.importTaskId() != null) return task.importTaskId();
        if (submission != null && submission.importTaskId() != null) return submission.importTaskId();
        return adoption != null ? adoption.importTaskId() : null;
    }
}
