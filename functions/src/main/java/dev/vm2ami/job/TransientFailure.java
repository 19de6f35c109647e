package dev.vm2ami.job;

/**
 * A failure worth retrying as it is (an AWS API that did not answer, throttling beyond the SDK's
 * own retries). The state machine retries steps that fail with it, by this class's name.
 */
public class TransientFailure extends RuntimeException {
    public TransientFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
