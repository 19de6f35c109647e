package dev.vm2ami.job;

/** Why an image did not become an AMI, in the terms of what a user does about it. */
public enum FailureCategory {
    /** Deterministic, from the image or the request: fix the image, do not retry as it is. */
    CLIENT_ERROR(false),
    /** An internal error in EC2 VM import: the same image often succeeds on a second try. */
    SERVER_ERROR(true),
    /** The task made no progress for longer than its stage's threshold. */
    STUCK(true),
    /** The account's limit on concurrent import tasks; vm2ami waits for a free slot. */
    QUOTA(true),
    /** The VM Import service role is missing or lacks access (S3, KMS). */
    PERMISSIONS(false),
    /** The image was not imported within the deadline. */
    TIMEOUT(false),
    /** Someone else cancelled the import task. */
    CANCELLED(false),
    /** vm2ami itself failed (a bug or an AWS outage); the notification carries the error. */
    INTERNAL(false);

    private final boolean retryable;

    FailureCategory(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether a fresh import task of the same image may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
