package dev.vm2ami.reconcile;

/** A Step Functions execution as DescribeExecution shows it: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, ... */
public record ExecutionView(String name, String status, String input) {
    public boolean running() {
        return "RUNNING".equals(status) || "PENDING_REDRIVE".equals(status);
    }
}
