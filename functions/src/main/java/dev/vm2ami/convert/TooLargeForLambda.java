package dev.vm2ami.convert;

/**
 * A conversion planned for Lambda needs more temporary space than the function has: the state machine
 * catches this error by its class name and runs the conversion on AWS Batch.
 */
public final class TooLargeForLambda extends RuntimeException {
    public TooLargeForLambda(String message) {
        super(message);
    }
}
