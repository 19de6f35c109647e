package dev.vm2ami.infra;

import dev.vm2ami.wiring.PipelineFunction;
import dev.vm2ami.wiring.StateMachineDefinition;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The import state machine, from the same ASL file the local cloud runs: the definition goes into the
 * template as text, and CloudFormation fills in its placeholders (function ARNs, topic ARN).
 */
final class ImportStateMachine extends Construct {
    private final StateMachine stateMachine;
    private final Role role;

    /**
     * @param functions the functions the definition invokes, by their placeholder
     */
    ImportStateMachine(Construct scope, String id, String name, Map<PipelineFunction, ? extends IFunction> functions,
                       ITopic topic, IKey topicKey, Arns arns, StackConfig config, ConvertBatch convertBatch) {
        super(scope, id);
        this.role = Role.Builder.create(this, "Role")
                .assumedBy(new ServicePrincipal("states.amazonaws.com"))
                .description("vm2ami import state machine")
                .build();
        Map<String, String> substitutions = new LinkedHashMap<>();
        PipelineFunction.calledByStateMachine().forEach(f -> {
            IFunction function = functions.get(f);
            substitutions.put(f.aslPlaceholder().orElseThrow(), function.getFunctionArn());
            role.addToPrincipalPolicy(allow(List.of("lambda:InvokeFunction"), function.getFunctionArn()));
        });
        substitutions.put(StateMachineDefinition.TOPIC_PLACEHOLDER, topic.getTopicArn());
        role.addToPrincipalPolicy(allow(List.of("sns:Publish"), topic.getTopicArn()));
        role.addToPrincipalPolicy(allow(List.of("kms:GenerateDataKey", "kms:Decrypt"), topicKey.getKeyArn()));
        role.addToPrincipalPolicy(allow(List.of("ec2:CancelImportTask"), arns.importImageTasks(), arns.importSnapshotTasks()));
        batchEngine(substitutions, convertBatch, arns);

        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                // Step Functions logs to /aws/vendedlogs/ without growing the account's log resource policy.
                .logGroupName("/aws/vendedlogs/states/" + name)
                .retention(LogRetention.of(config.logRetentionDays()).orElseThrow())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        this.stateMachine = StateMachine.Builder.create(this, "StateMachine")
                .stateMachineName(name)
                .stateMachineType(StateMachineType.STANDARD)
                .definitionBody(DefinitionBody.fromString(StateMachineDefinition.load().template()))
                .definitionSubstitutions(substitutions)
                .role(role)
                .tracingEnabled(true)
                .logs(LogOptions.builder()
                        .destination(logs)
                        .level(LogLevel.valueOf(config.stateMachineLogLevel()))
                        .includeExecutionData(config.stateMachineLogExecutionData())
                        .build())
                .build();
    }

    /**
     * ConvertOnBatch (batch:submitJob.sync): submit to the conversion queue with its job definition, follow the
     * job (DescribeJobs has no resource-level permissions), stop it when the execution stops, and the EventBridge
     * rule through which Step Functions learns that a job ended.
     */
    private void batchEngine(Map<String, String> substitutions, ConvertBatch batch, Arns arns) {
        String queue = batch.queue().getJobQueueArn();
        String definition = batch.jobDefinition().getJobDefinitionArn();
        substitutions.put(StateMachineDefinition.CONVERT_JOB_QUEUE_PLACEHOLDER, queue);
        substitutions.put(StateMachineDefinition.CONVERT_JOB_DEFINITION_PLACEHOLDER, definition);
        role.addToPrincipalPolicy(allow(List.of("batch:SubmitJob"), queue, definition));
        role.addToPrincipalPolicy(allow(List.of("batch:DescribeJobs"), "*"));
        role.addToPrincipalPolicy(allow(List.of("batch:TerminateJob"), arns.batchJobs()));
        role.addToPrincipalPolicy(allow(List.of("events:PutTargets", "events:PutRule", "events:DescribeRule"),
                arns.batchJobsRule()));
    }

    private static PolicyStatement allow(List<String> actions, String... resources) {
        return PolicyStatement.Builder.create().actions(actions).resources(List.of(resources)).build();
    }

    StateMachine stateMachine() {
        return stateMachine;
    }

    Role role() {
        return role;
    }
}
