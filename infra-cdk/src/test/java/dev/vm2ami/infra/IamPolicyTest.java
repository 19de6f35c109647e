package dev.vm2ami.infra;

import dev.vm2ami.wiring.PipelineFunction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Least privilege, checked statement by statement on the synthesized template. */
class IamPolicyTest {
    static final String SM = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:vm2ami-import-image";
    static final String EXECUTIONS = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:vm2ami-import-image:*";
    static final String TASKS = "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:import-image-task/*";
    static final String SNAPSHOT_TASKS = "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:import-snapshot-task/*";
    static final String IMAGES = "arn:${AWS::Partition}:ec2:${AWS::Region}::image/*";
    static final String SNAPSHOTS = "arn:${AWS::Partition}:ec2:${AWS::Region}::snapshot/*";
    static final String KEY = (String) Synthesized.OPTIONS.get("kmsKeyArn");

    /** Actions AWS offers no resource-level permissions for: the only ones allowed on "*". */
    static final Set<String> UNSCOPED = Set.of(
            "ec2:Describe*", "ec2:DescribeImportImageTasks", "ec2:DescribeImportSnapshotTasks", "ec2:DescribeImages",
            "ec2:DescribeSnapshots",
            "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
            // Step Functions' log delivery to CloudWatch Logs (documented with "*").
            "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
            // Step Functions following a batch:submitJob.sync job; Fargate pulling the conversion image.
            "batch:DescribeJobs", "ecr:GetAuthorizationToken");

    private final TemplateJson defaults = new TemplateJson(Synthesized.defaults().json());
    private final TemplateJson withOptions = new TemplateJson(Synthesized.withOptions().json());

    @Test
    void grantsNoWildcardActionInAnyAllowStatement() {
        for (TemplateJson template : List.of(defaults, withOptions)) {
            assertThat(allowStatements(template)).allSatisfy(s -> assertThat(s.actions())
                    .noneMatch(a -> a.equals("*") || a.endsWith(":*")));
        }
    }

    @Test
    void grantsStarResourcesOnlyForActionsWithoutResourceLevelPermissions() {
        for (TemplateJson template : List.of(defaults, withOptions)) {
            template.allIdentityStatements().stream().filter(s -> s.resources().contains("*"))
                    .forEach(s -> assertThat(s.actions()).as(s.toString()).isSubsetOf(UNSCOPED));
        }
    }

    @Test
    void givesOnlyTheVmImportRoleEc2DescribeStar() {
        assertThat(defaults.allIdentityStatements().stream().filter(s -> s.actions().contains("ec2:Describe*")).toList())
                .singleElement().isIn(defaults.statementsOfRole(vmImportRole()));
    }

    @Test
    void startMayStartExecutionsAndConsumeTheIntakeQueueOnly() {
        assertThat(permissions(PipelineFunction.START, defaults)).isEqualTo(withBasics(PipelineFunction.START, defaults, Map.of(
                "states:StartExecution", Set.of(SM),
                "sqs:ReceiveMessage", Set.of(intakeQueue()), "sqs:DeleteMessage", Set.of(intakeQueue()),
                "sqs:ChangeMessageVisibility", Set.of(intakeQueue()), "sqs:GetQueueAttributes", Set.of(intakeQueue()),
                "sqs:GetQueueUrl", Set.of(intakeQueue()))));
    }

    @Test
    void inspectMayReadImagesUnderThePrefixOnly() {
        Set<String> objects = Set.of(bucket() + ".Arn/*");
        assertThat(permissions(PipelineFunction.INSPECT, defaults)).isEqualTo(withBasics(PipelineFunction.INSPECT, defaults, Map.of(
                "s3:GetObject", objects, "s3:GetObjectVersion", objects,
                "s3:GetObjectTagging", objects, "s3:GetObjectVersionTagging", objects,
                "s3:ListBucket", Set.of(bucket() + ".Arn"))));
        assertThat(statement(defaults, PipelineFunction.INSPECT, "s3:ListBucket").conditions())
                .isEqualTo(Map.of("StringLike", Map.of("s3:prefix", "*")));
        assertThat(statement(withOptions, PipelineFunction.INSPECT, "s3:ListBucket").conditions())
                .as("only keys under the image prefix and the converted prefix can be listed")
                .isEqualTo(Map.of("StringLike", Map.of("s3:prefix", List.of("incoming/*", "converted/*"))));
        assertThat(permissions(PipelineFunction.INSPECT, withOptions))
                .containsEntry("s3:GetObject", Set.of(bucket() + ".Arn/incoming/*", bucket() + ".Arn/converted/*"))
                .containsEntry("kms:Decrypt", Set.of(KEY));
        assertThat(statement(withOptions, PipelineFunction.INSPECT, "kms:Decrypt").conditions())
                .isEqualTo(Map.of("StringEquals", Map.of("kms:ViaService", Map.of("Fn::Join",
                        List.of("", List.of("s3.", Map.of("Ref", "AWS::Region"), ".amazonaws.com"))))));
    }

    @Test
    void convertMayReadImagesAndWriteOnlyUnderTheConvertedPrefix() {
        assertThat(permissions(PipelineFunction.CONVERT, defaults)).isEqualTo(withBasics(PipelineFunction.CONVERT, defaults, Map.of(
                "s3:GetObject", Set.of(bucket() + ".Arn/*"), "s3:GetObjectVersion", Set.of(bucket() + ".Arn/*"),
                "s3:ListBucket", Set.of(bucket() + ".Arn"),
                "s3:PutObject", Set.of(bucket() + ".Arn/converted/*"), "s3:PutObjectTagging", Set.of(bucket() + ".Arn/converted/*"),
                "s3:AbortMultipartUpload", Set.of(bucket() + ".Arn/converted/*"))));
        assertThat(permissions(PipelineFunction.CONVERT, withOptions))
                .containsEntry("s3:GetObject", Set.of(bucket() + ".Arn/incoming/*"))
                .containsEntry("s3:PutObject", Set.of(bucket() + ".Arn/converted/*"))
                .containsEntry("kms:GenerateDataKey", Set.of(KEY));
    }

    @Test
    void submitMayImportTagItsTasksAndPassTheVmImportRoleOnly() {
        assertThat(permissions(PipelineFunction.SUBMIT, defaults)).isEqualTo(withBasics(PipelineFunction.SUBMIT, defaults, Map.of(
                "ec2:ImportImage", Set.of(TASKS, IMAGES),
                "ec2:ImportSnapshot", Set.of(SNAPSHOT_TASKS, SNAPSHOTS),
                "ec2:CreateTags", Set.of(TASKS, SNAPSHOT_TASKS),
                "iam:PassRole", Set.of(vmImportRole() + ".Arn"),
                "ec2:DescribeImportImageTasks", Set.of("*"),
                "ec2:DescribeImportSnapshotTasks", Set.of("*"),
                // Checks the key still holds the version inspected before ImportImage reads it.
                "s3:GetObject", Set.of(bucket() + ".Arn/*"),
                "s3:ListBucket", Set.of(bucket() + ".Arn"))));
        assertThat(defaults.statementsOfFunction(PipelineFunction.SUBMIT).stream().filter(st -> st.actions().contains("ec2:CreateTags"))
                .map(st -> st.resources() + " " + st.conditions()).toList()).containsExactlyInAnyOrder(
                List.of(TASKS) + " " + Map.of("StringEquals", Map.of("ec2:CreateAction", "ImportImage")),
                List.of(SNAPSHOT_TASKS) + " " + Map.of("StringEquals", Map.of("ec2:CreateAction", "ImportSnapshot")));
        assertThat(statement(withOptions, PipelineFunction.SUBMIT, "s3:ListBucket").conditions())
                .isEqualTo(Map.of("StringLike", Map.of("s3:prefix", List.of("incoming/*", "converted/*"))));
    }

    @Test
    void checkMayOnlyDescribeImportTasksAndPutStageEventsOnTheDefaultBus() {
        assertThat(permissions(PipelineFunction.CHECK, defaults)).isEqualTo(withBasics(PipelineFunction.CHECK, defaults,
                Map.of("ec2:DescribeImportImageTasks", Set.of("*"), "ec2:DescribeImportSnapshotTasks", Set.of("*"),
                        "events:PutEvents", Set.of("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default"))));
    }

    @Test
    void registerMayRegisterImagesFromSnapshotsAndTagThemAsTheyAreCreatedOnly() {
        assertThat(permissions(PipelineFunction.REGISTER, defaults)).isEqualTo(withBasics(PipelineFunction.REGISTER, defaults, Map.of(
                "ec2:RegisterImage", Set.of(IMAGES, SNAPSHOTS), "ec2:CreateTags", Set.of(IMAGES), "ec2:DescribeImages", Set.of("*"))));
        assertThat(statement(defaults, PipelineFunction.REGISTER, "ec2:CreateTags").conditions())
                .isEqualTo(Map.of("StringEquals", Map.of("ec2:CreateAction", "RegisterImage")));
    }

    @Test
    void finishMayCopyTagAndCleanUpImagesAndSnapshots() {
        assertThat(permissions(PipelineFunction.FINISH, defaults)).isEqualTo(withBasics(PipelineFunction.FINISH, defaults, Map.of(
                "ec2:CopyImage", Set.of(IMAGES, SNAPSHOTS), "ec2:CreateTags", Set.of(IMAGES, SNAPSHOTS),
                "ec2:DeregisterImage", Set.of(IMAGES), "ec2:DeleteSnapshot", Set.of(SNAPSHOTS),
                "ec2:DescribeImages", Set.of("*"), "ec2:DescribeSnapshots", Set.of("*"))));
    }

    @Test
    void finishMayUseTheConfiguredKeyThroughEc2ForEncryptedCopies() {
        Map<String, Set<String>> granted = permissions(PipelineFunction.FINISH, withOptions);
        for (String action : FunctionPolicies.EBS_KMS_ACTIONS) assertThat(granted).containsEntry(action, Set.of(KEY));
        assertThat(statement(withOptions, PipelineFunction.FINISH, "kms:CreateGrant").conditions()).containsKey("StringEquals");
    }

    static final String ANY_REGION_IMAGES = "arn:${AWS::Partition}:ec2:*::image/*";
    static final String ANY_REGION_SNAPSHOTS = "arn:${AWS::Partition}:ec2:*::snapshot/*";
    static final Map<String, Map<String, String>> OWN_ONLY = Map.of("Null", Map.of("aws:ResourceTag/vm2ami:execution", "false"));

    @Test
    void distributeMayChangeOnlyVm2amisOwnImagesHereAndTheImportedObjects() {
        Set<String> objects = Set.of(bucket() + ".Arn/*");
        assertThat(permissions(PipelineFunction.DISTRIBUTE, defaults)).isEqualTo(withBasics(PipelineFunction.DISTRIBUTE, defaults, Map.ofEntries(
                Map.entry("ec2:ModifyImageAttribute", Set.of(IMAGES)), Map.entry("ec2:EnableImageDeprecation", Set.of(IMAGES)),
                Map.entry("ec2:ModifySnapshotAttribute", Set.of(SNAPSHOTS)), Map.entry("ec2:DescribeImages", Set.of("*")),
                Map.entry("ssm:PutParameter", Set.of("arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/*")),
                Map.entry("s3:GetObject", objects), Map.entry("s3:GetObjectTagging", objects), Map.entry("s3:GetObjectVersionTagging", objects),
                Map.entry("s3:PutObjectTagging", objects), Map.entry("s3:PutObjectVersionTagging", objects),
                Map.entry("s3:DeleteObject", objects), Map.entry("s3:DeleteObjectVersion", objects))));
        for (String action : List.of("ec2:ModifyImageAttribute", "ec2:EnableImageDeprecation", "ec2:ModifySnapshotAttribute")) {
            assertThat(statement(defaults, PipelineFunction.DISTRIBUTE, action).conditions()).as(action).isEqualTo(OWN_ONLY);
        }
        assertThat(permissions(PipelineFunction.DISTRIBUTE, withOptions)).containsEntry("s3:DeleteObjectVersion",
                Set.of(bucket() + ".Arn/incoming/*"));
    }

    @Test
    void copyMayCopyIntoAnyRegionButTagAndChangeOnlyVm2amisOwnImagesAndUseOnlyTheListedKeys() {
        assertThat(permissions(PipelineFunction.COPY, defaults)).isEqualTo(withBasics(PipelineFunction.COPY, defaults, Map.of(
                "ec2:CopyImage", Set.of(ANY_REGION_IMAGES), "ec2:CreateTags", Set.of(ANY_REGION_IMAGES, ANY_REGION_SNAPSHOTS),
                "ec2:ModifyImageAttribute", Set.of(ANY_REGION_IMAGES), "ec2:EnableImageDeprecation", Set.of(ANY_REGION_IMAGES),
                "ec2:ModifySnapshotAttribute", Set.of(ANY_REGION_SNAPSHOTS), "ec2:DescribeImages", Set.of("*"),
                "ssm:PutParameter", Set.of("arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:parameter/*"))));
        assertThat(statement(defaults, PipelineFunction.COPY, "ec2:CreateTags").conditions())
                .isEqualTo(Map.of("Null", Map.of("aws:RequestTag/vm2ami:execution", "false")));
        assertThat(statement(defaults, PipelineFunction.COPY, "ec2:ModifyImageAttribute").conditions()).isEqualTo(OWN_ONLY);
        // With keys configured: the AMI's own key and each region's key, through EC2 in that key's region only.
        String euCentral = "arn:aws:kms:eu-central-1:111122223333:key/5678abcd-12ab-34cd-56ef-1234567890ab";
        Map<String, Set<String>> granted = permissions(PipelineFunction.COPY, withOptions);
        for (String action : FunctionPolicies.EBS_KMS_ACTIONS) assertThat(granted).containsEntry(action, new TreeSet<>(Set.of(KEY, euCentral)));
        assertThat(withOptions.statementsOfFunction(PipelineFunction.COPY).stream().filter(st -> st.resources().contains(euCentral))
                .map(TemplateJson.Statement::conditions).toList())
                .containsExactly(Map.of("StringEquals", Map.of("kms:ViaService", "ec2.eu-central-1.amazonaws.com")));
    }

    @Test
    void notifyMayOnlyWriteItsLogsAndTraces() {
        assertThat(permissions(PipelineFunction.NOTIFY, defaults)).isEqualTo(withBasics(PipelineFunction.NOTIFY, defaults, Map.of()));
    }

    @Test
    void reconcileMayFindAndCancelOrphanedTasksAndStartExecutions() {
        assertThat(permissions(PipelineFunction.RECONCILE, defaults)).isEqualTo(withBasics(PipelineFunction.RECONCILE, defaults, Map.of(
                "ec2:DescribeImportImageTasks", Set.of("*"), "ec2:DescribeImportSnapshotTasks", Set.of("*"),
                "ec2:CancelImportTask", Set.of(TASKS, SNAPSHOT_TASKS),
                "states:ListExecutions", Set.of(SM), "states:StartExecution", Set.of(SM),
                "states:DescribeExecution", Set.of(EXECUTIONS))));
    }

    @Test
    void usesNoKeyPermissionsWhenNoKeyIsConfigured() {
        for (PipelineFunction f : PipelineFunction.values()) {
            assertThat(permissions(f, defaults).keySet()).noneMatch(a -> a.startsWith("kms:"));
        }
    }

    @Test
    void passesOnlyTheVmImportRoleAndOnlyFromSubmit() {
        assertThat(defaults.allIdentityStatements().stream().filter(s -> s.actions().contains("iam:PassRole")).toList())
                .singleElement().satisfies(s -> assertThat(s.resources()).containsExactly(vmImportRole() + ".Arn"));
    }

    @Test
    void stateMachineMayInvokeItsFunctionsAliasesPublishAndCancelOnly() {
        String role = TemplateJson.render(defaults.ofType("AWS::StepFunctions::StateMachine").values().iterator().next()
                .get("RoleArn")).replace(".Arn", "");
        Map<String, Set<String>> granted = permissions(defaults.statementsOfRole(role));
        // The aliases' ARNs exactly: an unqualified function ARN in a policy does not cover an invoke of the alias.
        Set<String> functionArns = new TreeSet<>();
        PipelineFunction.calledByStateMachine().forEach(f -> functionArns.add(defaults.alias(f)));
        assertThat(granted).containsEntry("lambda:InvokeFunction", functionArns)
                .containsEntry("sns:Publish", Set.of(topic("vm2ami-notifications")))
                .containsEntry("kms:GenerateDataKey", Set.of(topicKey() + ".Arn"))
                .containsEntry("kms:Decrypt", Set.of(topicKey() + ".Arn"))
                .containsEntry("ec2:CancelImportTask", Set.of(TASKS, SNAPSHOT_TASKS));
        assertThat(granted.keySet()).allMatch(a -> Stream.of("lambda:InvokeFunction", "sns:Publish", "kms:", "ec2:CancelImportTask",
                "xray:", "logs:", "batch:", "events:").anyMatch(a::startsWith));
    }

    /** Action -> resources granted by the Allow statements of a function's role. */
    private static Map<String, Set<String>> permissions(PipelineFunction f, TemplateJson template) {
        return permissions(template.statementsOfFunction(f));
    }

    static Map<String, Set<String>> permissions(List<TemplateJson.Statement> statements) {
        Map<String, Set<String>> out = new TreeMap<>();
        statements.stream().filter(s -> "Allow".equals(s.effect())).forEach(s -> s.actions()
                .forEach(a -> out.computeIfAbsent(a, k -> new TreeSet<>()).addAll(s.resources())));
        return out;
    }

    /** What every function may do besides its own work: write its own log group and send traces. */
    private static Map<String, Set<String>> withBasics(PipelineFunction f, TemplateJson template, Map<String, Set<String>> own) {
        String logGroup = template.ofType("AWS::Logs::LogGroup").entrySet().stream()
                .filter(e -> ("/aws/lambda/" + f.functionName("vm2ami")).equals(e.getValue().get("LogGroupName")))
                .findFirst().orElseThrow().getKey() + ".Arn";
        Map<String, Set<String>> out = new TreeMap<>(own);
        out.put("logs:CreateLogStream", Set.of(logGroup));
        out.put("logs:PutLogEvents", Set.of(logGroup));
        out.merge("xray:PutTraceSegments", Set.of("*"), (a, b) -> a);
        out.merge("xray:PutTelemetryRecords", Set.of("*"), (a, b) -> a);
        return out;
    }

    private static TemplateJson.Statement statement(TemplateJson template, PipelineFunction f, String action) {
        return template.statementsOfFunction(f).stream().filter(s -> s.actions().contains(action)).findFirst().orElseThrow();
    }

    /** Allow statements of identity policies and of every resource policy, except the key's delegation to IAM. */
    private static List<TemplateJson.Statement> allowStatements(TemplateJson template) {
        List<TemplateJson.Statement> all = new ArrayList<>(template.allIdentityStatements());
        for (String type : List.of("AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy")) {
            template.ofType(type).values().forEach(p -> all.addAll(TemplateJson.statements(p.get("PolicyDocument"))));
        }
        template.ofType("AWS::KMS::Key").values().forEach(k -> TemplateJson.statements(k.get("KeyPolicy")).stream()
                // The AWS default first statement: the account (root) may use the key as its IAM policies say.
                .filter(s -> !(s.actions().equals(List.of("kms:*")) && TemplateJson.render(((Map<?, ?>) s.principal()).get("AWS"))
                        .equals("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")))
                .forEach(all::add));
        return all.stream().filter(s -> "Allow".equals(s.effect())).toList();
    }

    private String vmImportRole() {
        return defaults.ofType("AWS::IAM::Role").entrySet().stream()
                .filter(e -> e.getValue().toString().contains("vmie.amazonaws.com")).findFirst().orElseThrow().getKey();
    }

    private String bucket() {
        return defaults.ofType("AWS::S3::Bucket").entrySet().stream()
                .filter(e -> e.getValue().containsKey("LoggingConfiguration")).findFirst().orElseThrow().getKey();
    }

    private String intakeQueue() {
        return defaults.ofType("AWS::SQS::Queue").entrySet().stream()
                .filter(e -> e.getValue().containsKey("RedrivePolicy")).findFirst().orElseThrow().getKey() + ".Arn";
    }

    private String topic(String name) {
        return defaults.ofType("AWS::SNS::Topic").entrySet().stream()
                .filter(e -> name.equals(e.getValue().get("TopicName"))).findFirst().orElseThrow().getKey();
    }

    private String topicKey() {
        return defaults.ofType("AWS::KMS::Key").keySet().iterator().next();
    }
}
