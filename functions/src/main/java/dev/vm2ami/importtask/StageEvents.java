package dev.vm2ami.importtask;

/** Where the check step tells the world that an import changed stage (EventBridge on AWS). */
public interface StageEvents {
    /** Best effort: a failure to tell is logged, never stops the import. */
    void publish(StageChange change);
}
