package dev.vm2ami.local.host;

/** Every execution environment of the function stayed busy: the invocation is throttled, as Lambda's Invoke answers 429. */
public final class ThrottledException extends Exception {
    public ThrottledException(String message) {
        super(message);
    }
}
