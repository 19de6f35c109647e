package dev.vm2ami.priming;

import java.util.Optional;

/** A handler that primes itself for SnapStart: its primer when built by its public no-argument constructor. */
public interface Primed {
    Optional<Primer> primer();
}
