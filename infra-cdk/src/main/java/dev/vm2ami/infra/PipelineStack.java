package dev.vm2ami.infra;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.wiring.Intake;
import dev.vm2ami.wiring.PipelineFunction;
import dev.vm2ami.wiring.StackOutputs;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsEventSourceProps;
import software.constructs.Construct;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole pipeline in one account and region: bucket -> intake queue -> start function -> import
 * state machine (inspect, submit, check, finish, notify) -> notification topic; the reconciler on a
 * schedule; alarms to the ops topic.
 */
public final class PipelineStack extends Stack {
    private final StackConfig config;

    /** @param functionZips the folder with each function's zip (PipelineFunction.zipName) */
    public PipelineStack(Construct scope, StackConfig config, Path functionZips, StackProps props) {
        super(scope, config.stackName(), props);
        this.config = config;
        Arns arns = new Arns(this);
        String stateMachineName = config.stateMachineName();
        String stateMachineArn = arns.stateMachine(stateMachineName);

        Optional<IKey> imageKey = config.kmsKeyArn().map(arn -> Key.fromKeyArn(this, "ImageKey", arn));
        ImportBucket images = new ImportBucket(this, "Images", config.settings().imagePrefix(), imageKey, config.accessLogging());
        String convertedObjectsArn = images.bucket().arnForObjects(config.conversion().convertedPrefix() + "*");
        boolean convertedAmongImages = config.conversion().convertedPrefix().startsWith(config.settings().imagePrefix());
        VmImportRole vmImportRole = new VmImportRole(this, "VmImport", arns, images.bucket(), convertedAmongImages
                ? List.of(images.imageObjectsArn()) : List.of(images.imageObjectsArn(), convertedObjectsArn), config.kmsKeyArn());
        PipelineSettings settings = config.settings().withVmimportRoleName(vmImportRole.role().getRoleName());

        FunctionPolicies policies = new FunctionPolicies(arns, images.bucket().getBucketArn(), config.settings().imagePrefix(),
                images.imageObjectsArn(), config.conversion().convertedPrefix(), convertedObjectsArn, config.kmsKeyArn(),
                vmImportRole.role().getRoleArn(), stateMachineArn, arns.executions(stateMachineName),
                config.settings().distribution().regionKmsKeys());
        PipelineFunctions functions = new PipelineFunctions(this, "Functions", config.stackName(), functionZips,
                config.functionSettings(settings), stateMachineArn, policies, config.logRetentionDays());

        Notifications notifications = new Notifications(this, "Notifications", config.stackName(), arns);
        subscribe(notifications);

        // Conversions too large for Lambda: the same converter, from the same artifact, as AWS Batch jobs on Fargate.
        ConvertBatch convertBatch = new ConvertBatch(this, "ConvertBatch", functionZips.resolve(PipelineFunction.CONVERT.zipName()), policies, config);

        ImportStateMachine importStateMachine = new ImportStateMachine(this, "Import", stateMachineName,
                calledByStateMachine(functions), notifications.topic(), notifications.key(), arns, config, convertBatch);
        // The functions name the state machine by its ARN; make sure it exists before they can start executions.
        functions.get(PipelineFunction.START).getNode().addDependency(importStateMachine.stateMachine());
        functions.get(PipelineFunction.RECONCILE).getNode().addDependency(importStateMachine.stateMachine());

        IntakeQueue intake = new IntakeQueue(this, "Intake");
        images.notifyOnImages(intake.queue());
        // The event source mapping and the schedule invoke the aliases, as the state machine does: the published versions.
        functions.alias(PipelineFunction.START).addEventSource(new SqsEventSource(intake.queue(),
                SqsEventSourceProps.builder()
                        .batchSize(Intake.BATCH_SIZE)
                        .reportBatchItemFailures(true)
                        .maxConcurrency(config.intakeMaxConcurrency())
                        .build()));

        Rule.Builder.create(this, "ReconcileSchedule")
                .description("vm2ami: find import tasks no execution follows")
                .schedule(Schedule.rate(Duration.minutes(config.reconcileIntervalMinutes())))
                .targets(List.of(new LambdaFunction(functions.alias(PipelineFunction.RECONCILE))))
                .build();

        Alarms alarms = new Alarms(this, "Alarms", notifications.opsTopic(), config.stackName());
        alarms.pipelineFaults();
        alarms.intakeBacklog(intake.queue());
        alarms.deadLetters(intake.deadLetters());
        alarms.throttles(functions.all());
        alarms.functionErrors(functions.all());
        new PipelineDashboard(this, "Dashboard", config.stackName(), importStateMachine.stateMachine(), intake.queue(),
                intake.deadLetters(), functions.all());

        output("BucketName", images.bucket().getBucketName(), "Drop disk images here");
        output("NotificationTopicArn", notifications.topic().getTopicArn(), "Subscribe teams here");
        output(StackOutputs.STATE_MACHINE_ARN, importStateMachine.stateMachine().getStateMachineArn(), "One execution per image");
        output(StackOutputs.INTAKE_QUEUE_URL, intake.queue().getQueueUrl(), "S3 events waiting for the start function");
        output(StackOutputs.INTAKE_DEAD_LETTER_QUEUE_URL, intake.deadLetters().getQueueUrl(),
                "S3 events the start function failed on: ./vm2ami redrive moves them back");
        output("OpsTopicArn", notifications.opsTopic().getTopicArn(), "Alarms");
        output("VmImportRoleName", vmImportRole.role().getRoleName(), "Service role passed to ImportImage");

        NagJustifications.apply(this, config, functions, importStateMachine, vmImportRole, images, convertBatch);
    }

    /** Construct ids come from the endpoints, so reordering the configuration does not re-create subscriptions. */
    private void subscribe(Notifications notifications) {
        config.topicSubscriptions().forEach(s -> notifications.subscribe(s, s.protocol() + " " + s.endpoint()));
        config.opsEmails().forEach(email -> notifications.subscribeOps(email, "Ops " + email));
    }

    /** The aliases: the state machine invokes (and its role may invoke) the published versions. */
    private static Map<PipelineFunction, IFunction> calledByStateMachine(PipelineFunctions functions) {
        Map<PipelineFunction, IFunction> called = new EnumMap<>(PipelineFunction.class);
        PipelineFunction.calledByStateMachine().forEach(f -> called.put(f, functions.alias(f)));
        return called;
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    public StackConfig config() {
        return config;
    }
}
