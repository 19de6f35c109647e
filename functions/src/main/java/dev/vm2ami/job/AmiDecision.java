package dev.vm2ami.job;

/**
 * What the finish step decided ({@link ImportJob.AmiResult#next()}): the state machine's Named state
 * waits on WAIT and notifies otherwise (statemachine/import-image.asl.json).
 */
public enum AmiDecision {
    /** The named copy of the AMI is still pending: look again after {@code nextCheckSeconds}. */
    WAIT,
    /** The named AMI is available. */
    DONE
}
