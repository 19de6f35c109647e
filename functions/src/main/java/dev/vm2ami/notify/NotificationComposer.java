package dev.vm2ami.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.Severity;
import dev.vm2ami.image.verdict.Verdict;
import dev.vm2ami.importtask.FailureCatalog;
import dev.vm2ami.job.AmiDecision;
import dev.vm2ami.job.FailureCategory;
import dev.vm2ami.image.verdict.ImportPath;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.PermissionDenied;
import dev.vm2ami.job.Json;
import dev.vm2ami.job.TaskDecision;
import dev.vm2ami.wiring.NotificationAttributes;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one terminal notification of an image: SUCCEEDED (the AMI), FAILED (category, AWS message,
 * hint, attempts) or REJECTED (pre-flight findings with fixes). A JSON body for machines, a short
 * subject for people, and message attributes (status, format, team, category) for SNS filter policies.
 */
public final class NotificationComposer {
    public static final String SUCCEEDED = NotificationAttributes.SUCCEEDED;
    public static final String FAILED = NotificationAttributes.FAILED;
    public static final String REJECTED = NotificationAttributes.REJECTED;
    private static final int SUBJECT_LIMIT = 99; // SNS: under 100 characters, no line breaks

    public ImportJob compose(ImportJob job, Instant now) {
        String status = status(job);
        ImportJob.Failure failure = failure(job, status);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("status", status);
        ObjectNode source = body.putObject("source");
        source.put("bucket", job.source().bucket());
        source.put("key", job.source().key());
        if (job.source().versionId() != null && !"null".equals(job.source().versionId())) source.put("versionId", job.source().versionId());
        if (job.source().etag() != null) source.put("etag", job.source().etag());
        if (job.source().size() != null) source.put("size", job.source().size());
        String format = job.image() == null ? null : job.image().format();
        String team = job.image() == null ? null : job.image().team();
        putIfPresent(body, "format", format);
        putIfPresent(body, "team", team);
        putIfPresent(body, "importTaskId", job.importTaskId());
        if (job.importTaskId() != null) body.put("importPath", ImportPath.ofTaskId(job.importTaskId()).value());
        if (job.ami() != null && SUCCEEDED.equals(status)) {
            body.put("imageId", job.ami().imageId());
            body.put("imageName", job.ami().imageName());
            body.put("region", job.ami().region());
            ArrayNode snapshots = body.putArray("snapshotIds");
            job.ami().snapshotIds().forEach(snapshots::add);
        }
        if (job.distribution() != null && SUCCEEDED.equals(status)) distribution(body, job.distribution());
        if (job.receivedAt() != null) {
            body.put("durationSeconds", Math.max(0, Duration.between(Instant.parse(job.receivedAt()), now).toSeconds()));
        }
        ArrayNode stages = body.putArray("stages");
        if (job.task() != null) {
            job.task().stages().forEach(s -> {
                ObjectNode n = stages.addObject();
                n.put("stage", s.stage());
                n.put("firstSeenAt", s.firstSeenAt());
                if (s.progress() != null) n.put("progress", s.progress());
            });
        }
        if (!job.attempts().isEmpty()) {
            ArrayNode attempts = Json.MAPPER.valueToTree(job.attempts());
            attempts.forEach(a -> ((ObjectNode) a).put("importPath", ImportPath.ofTaskId(a.path("importTaskId").asText()).value()));
            body.set("attempts", attempts);
            body.put("retried", job.attempts().size() > 1);
        }
        if (failure != null) {
            ObjectNode error = body.putObject("error");
            error.put("category", failure.category().name());
            error.put("message", failure.message());
            error.put("hint", failure.hint());
            putIfPresent(error, "awsMessage", failure.awsMessage());
        }
        if (job.conversion() != null) body.set("conversion", conversion(job.conversion()));
        if (job.inspection() != null && job.inspection().os() != null) body.set("os", Json.MAPPER.valueToTree(job.inspection().os()));
        if (job.inspection() != null) putIfPresent(body, "bootMode", job.inspection().bootMode());
        List<Finding> findings = job.inspection() == null ? List.of() : job.inspection().findings();
        if (REJECTED.equals(status)) {
            body.set("findings", Json.MAPPER.valueToTree(findings));
        } else {
            List<Finding> warnings = findings.stream().filter(f -> f.severity() != Severity.INFO).toList();
            if (!warnings.isEmpty()) body.set("warnings", Json.MAPPER.valueToTree(warnings));
        }
        body.put("executionName", job.executionName());

        Map<String, ImportJob.MessageAttribute> attributes = new LinkedHashMap<>();
        attributes.put(NotificationAttributes.STATUS, ImportJob.MessageAttribute.string(status));
        if (format != null && !format.isEmpty()) attributes.put(NotificationAttributes.FORMAT, ImportJob.MessageAttribute.string(format));
        if (team != null && !team.isEmpty()) attributes.put(NotificationAttributes.TEAM, ImportJob.MessageAttribute.string(team));
        if (failure != null) attributes.put(NotificationAttributes.CATEGORY, ImportJob.MessageAttribute.string(failure.category().name()));
        try {
            return job.withFailure(failure).withNotification(new ImportJob.Notification(status,
                    subject(job, status, failure, findings), Json.MAPPER.writeValueAsString(body), attributes));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the notification of " + job.executionName() + " does not serialise", e);
        }
    }

    static String status(ImportJob job) {
        if (job.fault() != null || job.failure() != null) return FAILED;
        if (job.inspection() != null && job.inspection().verdict() == Verdict.REJECT) return REJECTED;
        if (job.ami() != null && job.ami().next() == AmiDecision.DONE) return SUCCEEDED;
        return FAILED;
    }

    /** The failure to report: the one a step recorded, else what Step Functions caught, else "ended without an AMI". */
    private static ImportJob.Failure failure(ImportJob job, String status) {
        if (!FAILED.equals(status)) return null;
        if (job.failure() != null) return job.failure();
        if (job.fault() != null && PermissionDenied.class.getName().equals(job.fault().error())) {
            // A step's own role was denied an action: no retry could help, the stack's IAM has to change.
            String message = faultMessage(job.fault());
            return new ImportJob.Failure(FailureCategory.PERMISSIONS, "vm2ami's " + step(job) + " step was denied: " + message,
                    "The " + step(job) + " function's role lacks the action named. Redeploy the stack (its roles grant each step "
                            + "what it needs), and check service control policies, permission boundaries and key policies.",
                    message);
        }
        if (job.fault() != null && job.conversion() != null && job.conversion().batchJob() == null && batchJob(job.fault()) != null) {
            return batchFailure(batchJob(job.fault()));
        }
        if (job.fault() != null) {
            String message = faultMessage(job.fault());
            FailureCatalog.Classification c = FailureCatalog.decided(FailureCategory.INTERNAL,
                    "vm2ami's " + step(job) + " step failed: " + message, message);
            return new ImportJob.Failure(c.category(), c.summary(), c.hint(), job.fault().error());
        }
        FailureCatalog.Classification c = FailureCatalog.decided(FailureCategory.INTERNAL,
                "The import ended without an AMI and without a recorded reason.", null);
        return new ImportJob.Failure(c.category(), c.summary(), c.hint(), null);
    }

    /**
     * What distribution did: {@code sharedWith}, {@code ssmParameter}, {@code deprecationTime}, {@code imdsSupport},
     * {@code copies} [{region, imageId, status, message}] and {@code source} {disposition, note}.
     */
    private static void distribution(ObjectNode body, ImportJob.Distribution d) {
        if (d.sharedWith() != null && !d.sharedWith().isEmpty()) {
            ObjectNode shared = body.putObject("sharedWith");
            if (!d.sharedWith().accounts().isEmpty()) d.sharedWith().accounts().forEach(shared.putArray("accounts")::add);
            if (!d.sharedWith().organizationArns().isEmpty()) d.sharedWith().organizationArns().forEach(shared.putArray("organizationArns")::add);
            if (!d.sharedWith().organizationalUnitArns().isEmpty()) {
                d.sharedWith().organizationalUnitArns().forEach(shared.putArray("organizationalUnitArns")::add);
            }
        }
        putIfPresent(body, "ssmParameter", d.ssmParameter());
        putIfPresent(body, "deprecationTime", d.deprecationTime());
        putIfPresent(body, "imdsSupport", d.imdsSupport());
        if (!d.copies().isEmpty()) {
            ArrayNode copies = body.putArray("copies");
            d.copies().forEach(c -> {
                ObjectNode n = copies.addObject();
                n.put("region", c.region());
                putIfPresent(n, "imageId", c.imageId());
                n.put("status", c.status());
                putIfPresent(n, "message", c.message());
            });
        }
        if (d.sourceDisposition() != null) {
            ObjectNode source = (ObjectNode) body.path("source");
            source.put("disposition", d.sourceDisposition());
            putIfPresent(source, "dispositionNote", d.sourceNote());
        }
    }

    /** The regions whose copy failed, for the subject. */
    private static List<String> failedCopies(ImportJob job) {
        return job.distribution() == null ? List.of() : job.distribution().copies().stream()
                .filter(c -> ImportJob.RegionCopy.FAILED.equals(c.status())).map(ImportJob.RegionCopy::region).toList();
    }

    /** The notification's {@code conversion}: what was converted into what, where to, by which engine, and its figures. */
    private static ObjectNode conversion(ImportJob.Conversion c) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("from", c.from());
        n.put("to", c.to());
        n.put("bucket", c.bucket());
        n.put("key", c.key());
        n.put("engine", c.engine());
        if (c.bytesRead() != null) n.put("bytesRead", c.bytesRead());
        if (c.bytesWritten() != null) n.put("bytesWritten", c.bytesWritten());
        if (c.seconds() != null) n.put("seconds", c.seconds());
        if (c.batchJob() != null && c.batchJob().jobId() != null) n.put("batchJobId", c.batchJob().jobId());
        if (c.fallback() != null) n.put("fallback", c.fallback().error() + ": " + faultMessage(c.fallback()));
        return n;
    }

    /**
     * The job Step Functions' batch:submitJob.sync reports as its Cause when the job failed (DescribeJobs'
     * job, keys capitalised), or null when the fault is something else.
     */
    static JsonNode batchJob(ImportJob.Fault fault) {
        if (fault.cause() == null) return null;
        try {
            JsonNode doc = Json.MAPPER.readTree(fault.cause());
            return doc != null && doc.isObject() && field(doc, "jobId") != null && field(doc, "status") != null ? doc : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** A failed conversion job: its status reason and the converter's exit status, in the user's terms. */
    private static ImportJob.Failure batchFailure(JsonNode job) {
        String id = text(field(job, "jobId"));
        String reason = text(field(job, "statusReason"));
        JsonNode container = field(job, "container");
        String containerReason = container == null ? null : text(field(container, "reason"));
        JsonNode exit = container == null ? null : field(container, "exitCode");
        StringBuilder message = new StringBuilder("The conversion job " + id + " on AWS Batch failed: "
                + (reason == null ? "no reason given" : reason));
        if (containerReason != null && !containerReason.equals(reason)) message.append("; ").append(containerReason);
        if (exit != null && exit.isNumber()) message.append(" (exit status ").append(exit.asInt()).append(")");
        String aws = message.toString();
        if (exit != null && exit.asInt(-1) == 2) {
            return new ImportJob.Failure(FailureCategory.CLIENT_ERROR, aws + ": the converter found that the image cannot be converted.",
                    "The job's log (CloudWatch Logs, the job's log stream) names the finding; fix the image and upload it again.", aws);
        }
        return new ImportJob.Failure(FailureCategory.INTERNAL, aws + ".",
                "Read the job's log (CloudWatch Logs, the job's log stream) and upload the image again; a job stopped for capacity "
                        + "or a timeout usually succeeds the next time.", aws);
    }

    /** A field by its name as DescribeJobs spells it ({@code jobId}) or as Step Functions does ({@code JobId}). */
    private static JsonNode field(JsonNode node, String camel) {
        JsonNode v = node.get(camel);
        if (v == null || v.isNull()) v = node.get(Character.toUpperCase(camel.charAt(0)) + camel.substring(1));
        return v == null || v.isNull() ? null : v;
    }

    private static String text(JsonNode node) {
        return node == null ? null : node.asText();
    }

    private static String step(ImportJob job) {
        if (job.ami() != null && job.ami().next() == AmiDecision.DONE) return "distribute";
        if (job.inspection() == null) return "inspect";
        if (job.conversion() != null && !job.conversion().converted()) return "convert";
        if (job.task() == null) return "submit";
        if (job.ami() == null && job.task().next() != TaskDecision.FINISH) return "check";
        return "finish";
    }

    /** A Lambda error caught by Step Functions carries the error document as its Cause. */
    static String faultMessage(ImportJob.Fault fault) {
        String cause = fault.cause();
        if (cause != null) {
            try {
                JsonNode doc = Json.MAPPER.readTree(cause);
                if (doc != null && doc.hasNonNull("errorMessage")) return doc.path("errorMessage").asText();
            } catch (JsonProcessingException ignored) {
                // not JSON: use the cause as it is
            }
            return cause.length() > 500 ? cause.substring(0, 500) : cause;
        }
        return fault.error();
    }

    private static String subject(ImportJob job, String status, ImportJob.Failure failure, List<Finding> findings) {
        String file = job.source().key().substring(job.source().key().lastIndexOf('/') + 1);
        String subject = switch (status) {
            case SUCCEEDED -> "vm2ami: " + file + " is " + job.ami().imageId()
                    + (failedCopies(job).isEmpty() ? "" : " (copy to " + String.join(", ", failedCopies(job)) + " failed)");
            case REJECTED -> "vm2ami: " + file + " rejected: " + findings.stream().filter(f -> f.severity() == Severity.ERROR)
                    .map(Finding::code).findFirst().orElse("see findings");
            default -> "vm2ami: " + file + " failed: " + failure.category();
        };
        subject = subject.replaceAll("[\\r\\n\\t]", " ");
        return subject.length() <= SUBJECT_LIMIT ? subject : subject.substring(0, SUBJECT_LIMIT - 3) + "...";
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isEmpty()) node.put(field, value);
    }
}
