package dev.vm2ami.local.status;

/**
 * One image as {@code vm2ami status} shows it: where its import stands, from its execution and the
 * job document the execution carries.
 *
 * @param key            the S3 key of the image
 * @param executionName  the Step Functions execution (one per object version)
 * @param status         RUNNING while in flight; then the notification's status (SUCCEEDED, FAILED,
 *                       REJECTED), or the execution's (ABORTED, TIMED_OUT) when it sent none
 * @param stage          what the import is doing (e.g. {@code inspecting}, {@code converting}) or how it ended
 * @param progress       0-100, EC2's Progress while an import task runs, or null when there is none yet
 * @param attempts       import tasks started for the image so far
 * @param startedAt      when the execution started (ISO-8601)
 * @param elapsedSeconds since the execution started (until it stopped, once finished)
 * @param etaSeconds     expected seconds until the AMI exists, from the stage model; null when unknown or finished
 * @param detail         the AMI id, the failure category, the reason for a wait, or null
 */
public record ImageStatus(String key, String executionName, String status, String stage, Integer progress, int attempts,
                          String startedAt, long elapsedSeconds, Long etaSeconds, String detail) {

    public boolean inFlight() {
        return "RUNNING".equals(status);
    }
}
