package dev.vm2ami.importtask;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * many executions waiting for the same import quota spread out instead of retrying in lockstep.
 */
public final class Backoff {
    private final RandomGenerator random;

    public Backoff(RandomGenerator random) {
        this.random = random;
    }

    /** Seconds to wait before try number {@code retry} (1 = the first retry): uniform in [1, min(cap, base * 2^(retry-1))]. */
    public int seconds(int retry, int baseSeconds, int capSeconds) {
        int exponent = Math.min(Math.max(retry - 1, 0), 30);
        long ceiling = Math.min((long) capSeconds, (long) baseSeconds << exponent);
        if (ceiling <= 1) return 1;
        return 1 + random.nextInt((int) ceiling);
    }
}
