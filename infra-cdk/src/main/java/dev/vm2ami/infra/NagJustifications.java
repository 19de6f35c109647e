package dev.vm2ami.infra;

import dev.vm2ami.wiring.PipelineFunction;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.constructs.IConstruct;

import java.util.ArrayList;
import java.util.List;

/**
 * The cdk-nag (AWS Solutions) findings the stack accepts, each narrowed to the exact wildcard it
 * covers and with the reason it is right for this pipeline. Anything else cdk-nag finds fails the synth.
 */
final class NagJustifications {
    private static final String XRAY = "X-Ray's PutTraceSegments and PutTelemetryRecords have no resource-level permissions (active tracing)";

    private NagJustifications() {}

    static void apply(Stack stack, StackConfig config, PipelineFunctions functions, ImportStateMachine stateMachine,
                      VmImportRole vmImportRole, ImportBucket images, ConvertBatch convertBatch) {
        String objects = "Resource::<" + logicalId(stack, images.bucket().getNode().getDefaultChild()) + ".Arn>/"
                + config.settings().imagePrefix() + "*";
        String converted = "Resource::<" + logicalId(stack, images.bucket().getNode().getDefaultChild()) + ".Arn>/"
                + config.conversion().convertedPrefix() + "*";
        String executions = arn("states", true, "execution:" + config.stateMachineName() + ":*");

        for (PipelineFunction f : PipelineFunction.values()) {
            NagSuppressions.addResourceSuppressions(functions.get(f), List.of(suppression("AwsSolutions-L1",
                    "The functions are compiled for and tested on Java 21, the project's baseline "
                            + "(maven.compiler.release 21); a newer runtime is a deliberate upgrade, not a default.")));
            List<NagPackSuppression> wildcards = new ArrayList<>();
            wildcards.add(wildcard(switch (f) {
                case SUBMIT, CHECK, RECONCILE -> XRAY + "; nor have ec2:DescribeImportImageTasks and ec2:DescribeImportSnapshotTasks.";
                case REGISTER, COPY, DISTRIBUTE -> XRAY + "; nor has ec2:DescribeImages.";
                case FINISH -> XRAY + "; nor have ec2:DescribeImages and ec2:DescribeSnapshots.";
                default -> XRAY + ".";
            }, "Resource::*"));
            switch (f) {
                case INSPECT -> wildcards.add(wildcard("Reads any image (and its sidecar manifest) under the image "
                        + "prefix, and the images converted from them under the converted prefix; object names are not "
                        + "known in advance.", objects, converted));
                case CONVERT -> wildcards.add(wildcard("Reads any image under the image prefix and writes its conversion "
                        + "under the converted prefix; object names are not known in advance.", objects, converted));
                case SUBMIT -> {
                    wildcards.add(wildcard("ImportImage creates an import task and an AMI, ImportSnapshot an import task "
                            + "and a snapshot, whose ids EC2 assigns; the ARNs are limited to this region (and this account "
                            + "for the tasks).",
                            pattern(arn("ec2", true, "import-image-task/*")), pattern(arn("ec2", false, "image/*")),
                            pattern(arn("ec2", true, "import-snapshot-task/*")), pattern(arn("ec2", false, "snapshot/*"))));
                    wildcards.add(wildcard("Checks (HeadObject) that an image's key still holds the version inspected "
                            + "before ImportImage reads it; any image under the image prefix or converted from one, names "
                            + "not known in advance.", objects, converted));
                }
                case FINISH -> wildcards.add(wildcard("Names, tags and cleans up the AMI and snapshots EC2 created for "
                        + "an import; their ids are not known in advance. Limited to this region.",
                        pattern(arn("ec2", false, "image/*")), pattern(arn("ec2", false, "snapshot/*"))));
                case DISTRIBUTE -> {
                    wildcards.add(wildcard("Shares, deprecates and requires IMDSv2 on the AMI and snapshots of an import, "
                            + "whose ids EC2 assigns; only those tagged vm2ami:execution (a condition), in this region.",
                            pattern(arn("ec2", false, "image/*")), pattern(arn("ec2", false, "snapshot/*"))));
                    wildcards.add(wildcard("Writes the SSM parameter an image's manifest names (names are per image); "
                            + "this account and region only.", pattern(arn("ssm", true, "parameter/*"))));
                    wildcards.add(wildcard("Tags or deletes the version of the image it imported; any image under the "
                            + "image prefix, names not known in advance.", objects));
                }
                case COPY -> wildcards.add(wildcard("Copies the AMI into the regions an image's manifest names (per image, "
                        + "not known at deployment), so images and snapshots in any region; tags only with vm2ami's tag and "
                        + "changes attributes only of images and snapshots tagged vm2ami:execution (conditions); SSM "
                        + "parameters of this account in those regions.",
                        pattern(anyRegionArn("ec2", false, "image/*")), pattern(anyRegionArn("ec2", false, "snapshot/*")),
                        pattern(anyRegionArn("ssm", true, "parameter/*"))));
                case REGISTER -> wildcards.add(wildcard("Registers an AMI (whose id EC2 assigns) from the snapshot an "
                        + "import created (its id not known in advance). Limited to this region.",
                        pattern(arn("ec2", false, "image/*")), pattern(arn("ec2", false, "snapshot/*"))));
                case RECONCILE -> wildcards.add(wildcard("Cancels orphaned import tasks of this account and region and "
                        + "describes the executions of this stack's state machine only.",
                        pattern(arn("ec2", true, "import-image-task/*")), pattern(arn("ec2", true, "import-snapshot-task/*")),
                        pattern(executions)));
                default -> { }
            }
            NagSuppressions.addResourceSuppressions(functions.role(f), wildcards, true);
        }

        NagSuppressions.addResourceSuppressions(stateMachine.role(), List.of(wildcard(
                "Step Functions' log delivery (logs:*LogDelivery, logs:PutResourcePolicy, logs:Describe*), X-Ray "
                        + "tracing calls and batch:DescribeJobs have no resource-level permissions; CancelImportTask is "
                        + "limited to this account's and region's import tasks, whose ids EC2 assigns; TerminateJob to "
                        + "this account's and region's Batch jobs, whose ids Batch assigns at SubmitJob.",
                "Resource::*", pattern(arn("ec2", true, "import-image-task/*")), pattern(arn("ec2", true, "import-snapshot-task/*")),
                pattern(arn("batch", true, "job/*")))), true);

        convertBatchJustifications(convertBatch, objects, converted);

        NagSuppressions.addResourceSuppressions(vmImportRole.role(), List.of(wildcard(
                "The permissions the VM Import/Export user guide requires of its service role (ec2:Describe* on *, "
                        + "which has no resource-level permissions), with the rest narrowed to the import bucket's "
                        + "images and to this region's snapshots and images, whose ids EC2 assigns.",
                objects, converted, "Action::ec2:Describe*", "Resource::*",
                pattern(arn("ec2", false, "image/*")), pattern(arn("ec2", false, "snapshot/*")))), true);

        NagSuppressions.addResourceSuppressionsByPath(stack,
                "/" + stack.getStackName() + "/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Role/Resource",
                List.of(suppression("AwsSolutions-IAM4", "CDK's own deploy-time handler that writes the bucket's "
                        + "notification configuration; the AWS managed basic execution policy only lets it write "
                        + "its logs, and its s3:PutBucketNotification is limited to the import bucket.")));

        if (!config.accessLogging()) {
            NagSuppressions.addResourceSuppressions(images.bucket(), List.of(suppression("AwsSolutions-S1",
                    "The operator turned server access logging off (accessLogging=false); CloudTrail data events "
                            + "are the alternative.")));
        }
        if (!config.stateMachineLogLevel().equals("ALL")) {
            NagSuppressions.addResourceSuppressions(stateMachine.stateMachine(), List.of(suppression("AwsSolutions-SF1",
                    "The operator chose to log only errors (stateMachineLogLevel=ERROR) to cut log volume.")));
        }
    }

    private static void convertBatchJustifications(ConvertBatch batch, String objects, String converted) {
        NagSuppressions.addResourceSuppressions(batch.jobRole(), List.of(wildcard("The conversion job runs the convert "
                + "function's converter with the convert function's permissions: reads any image under the image prefix "
                + "and writes its conversion under the converted prefix; object names are not known in advance.",
                objects, converted)), true);
        NagSuppressions.addResourceSuppressions(batch.executionRole(), List.of(wildcard("ECS pulls the conversion image "
                + "with it: ecr:GetAuthorizationToken has no resource-level permissions (the image pull and the job's log "
                + "writes are limited to the asset repository and the job's log group).", "Resource::*")), true);
        NagSuppressions.addResourceSuppressions(batch.vpc(), List.of(suppression("AwsSolutions-VPC7",
                "The VPC only carries the conversion jobs' outbound HTTPS to ECR, S3 and CloudWatch Logs (no inbound, "
                        + "no other workload); the jobs' own logs and the API calls in CloudTrail record what they did, "
                        + "and flow logs would add a cost per GB to every conversion.")), true);
    }

    private static NagPackSuppression suppression(String id, String reason) {
        return NagPackSuppression.builder().id(id).reason(reason).build();
    }

    /** AwsSolutions-IAM5 for exactly these wildcards (plain finding strings or patterns). */
    private static NagPackSuppression wildcard(String reason, Object... appliesTo) {
        return NagPackSuppression.builder().id("AwsSolutions-IAM5").reason(reason).appliesTo(List.of(appliesTo)).build();
    }

    /**
     * How cdk-nag writes an ARN this stack formats: pseudo parameters when the stack is
     * environment-agnostic, literal partition, region and account when it is not.
     */
    private static String arn(String service, boolean withAccount, String resource) {
        return "Resource::arn:(<AWS::Partition>|aws[a-z-]*):" + service + ":(<AWS::Region>|[a-z0-9-]+):"
                + (withAccount ? "(<AWS::AccountId>|\\d{12})" : "") + ":" + resource.replaceAll("[.*+?^${}()|\\[\\]\\\\]", "\\\\$0");
    }

    /** The same for an ARN whose region is {@code *}. */
    private static String anyRegionArn(String service, boolean withAccount, String resource) {
        return "Resource::arn:(<AWS::Partition>|aws[a-z-]*):" + service + ":\\*:"
                + (withAccount ? "(<AWS::AccountId>|\\d{12})" : "") + ":" + resource.replaceAll("[.*+?^${}()|\\[\\]\\\\]", "\\\\$0");
    }

    private static RegexAppliesTo pattern(String regex) {
        return RegexAppliesTo.builder().regex("/^" + regex + "$/").build();
    }

    private static String logicalId(Stack stack, IConstruct resource) {
        return stack.resolve(stack.getLogicalId((CfnBucket) resource)).toString();
    }
}
