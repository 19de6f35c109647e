package dev.vm2ami.infra;

import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;

/**
 * ARNs of resources the pipeline acts on but does not own: the AMIs, snapshots and import tasks EC2
 * creates, and names the stack fixes before the resources exist (so policies need no references that
 * would form cycles). Images and snapshots have no account in their ARN; the region keeps them local.
 */
final class Arns {
    private final Stack stack;

    Arns(Stack stack) {
        this.stack = stack;
    }

    String images() {
        return ec2("image/*", false);
    }

    String snapshots() {
        return ec2("snapshot/*", false);
    }

    /** Images in any region: the regions an image is copied to are per image (its manifest), not known at deployment. */
    String imagesInAnyRegion() {
        return stack.formatArn(ArnComponents.builder().service("ec2").resource("image/*").region("*").account("")
                .arnFormat(ArnFormat.NO_RESOURCE_NAME).build());
    }

    String snapshotsInAnyRegion() {
        return stack.formatArn(ArnComponents.builder().service("ec2").resource("snapshot/*").region("*").account("")
                .arnFormat(ArnFormat.NO_RESOURCE_NAME).build());
    }

    /** SSM parameters of this account, in this region or (for the copies) any. */
    String parameters(boolean anyRegion) {
        ArnComponents.Builder b = ArnComponents.builder().service("ssm").resource("parameter/*").arnFormat(ArnFormat.NO_RESOURCE_NAME);
        if (anyRegion) b.region("*");
        return stack.formatArn(b.build());
    }

    String importImageTasks() {
        return ec2("import-image-task/*", true);
    }

    String importSnapshotTasks() {
        return ec2("import-snapshot-task/*", true);
    }

    String stateMachine(String name) {
        return stack.formatArn(ArnComponents.builder().service("states").resource("stateMachine")
                .resourceName(name).arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
    }

    /** Every execution of the named state machine. */
    String executions(String stateMachineName) {
        return stack.formatArn(ArnComponents.builder().service("states").resource("execution")
                .resourceName(stateMachineName + ":*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
    }

    /** An EventBridge event bus of this account and region, by name ({@code default}: the account's default bus). */
    String eventBus(String name) {
        return stack.formatArn(ArnComponents.builder().service("events").resource("event-bus")
                .resourceName(name).arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
    }

    String topic(String name) {
        return stack.formatArn(ArnComponents.builder().service("sns").resource(name)
                .arnFormat(ArnFormat.NO_RESOURCE_NAME).build());
    }

    String alarms() {
        return stack.formatArn(ArnComponents.builder().service("cloudwatch").resource("alarm")
                .resourceName("*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
    }

    /** AWS Batch jobs of this account and region (their ids are assigned at SubmitJob). */
    String batchJobs() {
        return stack.formatArn(ArnComponents.builder().service("batch").resource("job")
                .resourceName("*").arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
    }

    /** The EventBridge rule Step Functions manages in the account to learn when a .sync Batch job ends. */
    String batchJobsRule() {
        return stack.formatArn(ArnComponents.builder().service("events").resource("rule")
                .resourceName("StepFunctionsGetEventsForBatchJobsRule").arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
    }

    /** The ARN VM Import/Export puts in aws:SourceArn when it assumes the service role. */
    String vmImportExport() {
        return stack.formatArn(ArnComponents.builder().service("vmie").resource("*")
                .arnFormat(ArnFormat.NO_RESOURCE_NAME).build());
    }

    private String ec2(String resource, boolean withAccount) {
        return stack.formatArn(ArnComponents.builder().service("ec2").resource(resource)
                .account(withAccount ? stack.getAccount() : "").arnFormat(ArnFormat.NO_RESOURCE_NAME).build());
    }
}
