package dev.vm2ami.intake;

import dev.vm2ami.job.Sha256;

/**
 * One Step Functions execution per object version: the name is derived from the bucket, the key
 * and the version (versionId, else the event's sequencer, else the ETag), so a duplicate delivery
 * of the same event maps to the same execution and Step Functions refuses to start it twice.
 */
public final class ExecutionNames {
    private static final int READABLE = 48;

    private ExecutionNames() {}

    public static String forObject(S3EventRecord r) {
        String identity = r.versionId() != null && !r.versionId().isBlank() && !"null".equals(r.versionId())
                ? "v:" + r.versionId()
                : r.sequencer() != null && !r.sequencer().isBlank() ? "s:" + r.sequencer() : "e:" + r.etag();
        String digest = Sha256.hex(r.bucket() + "\n" + r.key() + "\n" + identity);
        return readable(r.key()) + "-" + digest.substring(0, 24);
    }

    /** The file name of the key in characters Step Functions and CloudWatch take, for people reading the console. */
    static String readable(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        String cleaned = name.replaceAll("[^A-Za-z0-9_-]+", "-").replaceAll("-{2,}", "-").replaceAll("^-|-$", "");
        if (cleaned.isEmpty()) cleaned = "image";
        return cleaned.length() <= READABLE ? cleaned : cleaned.substring(0, READABLE);
    }

}
