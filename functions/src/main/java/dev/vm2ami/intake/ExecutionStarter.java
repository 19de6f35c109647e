package dev.vm2ami.intake;

/** StartExecution, without SDK types. */
public interface ExecutionStarter {
    /** Starts the execution; returns false when one with this name already exists (a duplicate event). */
    boolean start(String name, String input);
}
