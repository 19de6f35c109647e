package dev.vm2ami.job;

/**
 * What the check step decided about the import task ({@link ImportJob.TaskStatus#next()}): the
 * state machine's Decide state branches on these names (statemachine/import-image.asl.json).
 */
public enum TaskDecision {
    /** The task is running: look again after {@code nextCheckSeconds}. */
    WAIT,
    /** The task completed: name and tag the AMI. */
    FINISH,
    /** The task is stuck, overdue or failing: CancelImportTask, then keep watching it until it is deleted. */
    CANCEL,
    /** The task failed in a way a new attempt may not: submit the image again after {@code nextCheckSeconds}. */
    RETRY,
    /** The image will not become an AMI: the job's failure says why; notify. */
    FAIL
}
