package dev.vm2ami.local.pipeline;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.local.cloud.AwsClients;
import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.wiring.FunctionEnvironment;
import dev.vm2ami.wiring.Intake;
import dev.vm2ami.wiring.PipelineFunction;
import dev.vm2ami.wiring.ResourceNames;
import dev.vm2ami.wiring.StateMachineDefinition;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Deploys the pipeline into the local cloud the way the CDK stack deploys it on AWS: the import
 * bucket (versioned) with ObjectCreated notifications for the image suffixes to the intake queue
 * (with its DLQ), the functions from {@link PipelineFunction} with {@link FunctionEnvironment}'s
 * environments, the state machine from the same ASL with the same placeholders, the notification
 * topic, and the VM Import service role. Plus an "inbox" queue subscribed to the topic, so a
 * user (or a test) can read the notifications.
 */
public final class LocalPipeline {
    public static final String PREFIX = "vm2ami";
    public static final String BUCKET = "vm2ami-images";
    static final String TRUST_LAMBDA = trust("lambda.amazonaws.com");
    static final String TRUST_STATES = trust("states.amazonaws.com");
    static final String TRUST_VMIE = trust("vmie.amazonaws.com");

    private LocalPipeline() {}

    /** The AWS timing scaled to the local cloud's clock: a 30-minute import takes seconds, so do the waits. */
    public static PipelineSettings settingsFor(double timeScale) {
        PipelineSettings.Timing aws = PipelineSettings.Timing.aws();
        PipelineSettings.Timing local = new PipelineSettings.Timing(timeScale,
                Math.max(2, scale(aws.pollSeconds(), timeScale)), 1,
                Math.max(120, scale(aws.deadlineSeconds(), timeScale)), aws.maxAttempts(), Map.of(),
                1, Math.max(2, scale(aws.quotaBackoffMaxSeconds(), timeScale)), 1);
        // The service role keeps AWS's default name, so the user guide's own commands work against the local cloud.
        return PipelineSettings.defaults().withTiming(local);
    }

    private static int scale(int seconds, double factor) {
        return (int) Math.round(seconds * factor);
    }

    public static PipelineResources deploy(LocalCloud cloud, PipelineSettings settings) {
        AwsClients aws = cloud.clients();
        String account = "123456789012";
        String region = cloud.region();

        aws.iam().createRole(r -> r.roleName(settings.vmimportRoleName()).assumeRolePolicyDocument(TRUST_VMIE)
                .description("VM Import/Export service role of vm2ami"));
        String functionRole = aws.iam().createRole(r -> r.roleName(PREFIX + "-functions").assumeRolePolicyDocument(TRUST_LAMBDA))
                .role().arn();
        String stateMachineRole = aws.iam().createRole(r -> r.roleName(PREFIX + "-state-machine").assumeRolePolicyDocument(TRUST_STATES))
                .role().arn();

        aws.s3().createBucket(b -> b.bucket(BUCKET));
        aws.s3().putBucketVersioning(v -> v.bucket(BUCKET).versioningConfiguration(c -> c.status("Enabled")));

        String dlqUrl = aws.sqs().createQueue(q -> q.queueName(PREFIX + "-intake-dlq")).queueUrl();
        String dlqArn = queueArn(aws, dlqUrl);
        String queueUrl = aws.sqs().createQueue(q -> q.queueName(PREFIX + "-intake").attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(Intake.visibilityTimeoutSeconds()),
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + Intake.MAX_RECEIVE_COUNT + "\"}")))
                .queueUrl();
        String queueArn = queueArn(aws, queueUrl);

        String topicArn = aws.sns().createTopic(t -> t.name(ResourceNames.notificationTopic(PREFIX))).topicArn();
        String inboxUrl = aws.sqs().createQueue(q -> q.queueName(PREFIX + "-notifications-inbox")).queueUrl();
        aws.sns().subscribe(s -> s.topicArn(topicArn).protocol("sqs").endpoint(queueArn(aws, inboxUrl))
                .attributes(Map.of("RawMessageDelivery", "false")));

        String stateMachineName = ResourceNames.stateMachine(PREFIX);
        String stateMachineArn = "arn:aws:states:" + region + ":" + account + ":stateMachine:" + stateMachineName;
        Map<PipelineFunction, String> names = new EnumMap<>(PipelineFunction.class);
        Map<String, String> substitutions = new LinkedHashMap<>();
        for (PipelineFunction f : PipelineFunction.values()) {
            String name = f.functionName(PREFIX);
            String arn = aws.lambda().createFunction(c -> c.functionName(name).runtime(Runtime.JAVA21).role(functionRole)
                    .handler(f.handler()).description(f.description()).timeout(f.timeoutSeconds()).memorySize(f.memoryMb())
                    .environment(e -> e.variables(FunctionEnvironment.of(f, settings.toEnvironment(), stateMachineArn)))
                    .code(code -> code.zipFile(SdkBytes.fromByteArray(placeholderZip())))).functionArn();
            names.put(f, name);
            f.aslPlaceholder().ifPresent(p -> substitutions.put(p, arn));
        }
        substitutions.put(StateMachineDefinition.TOPIC_PLACEHOLDER, topicArn);
        String definition = StateMachineDefinition.load().substitute(substitutions);
        String created = aws.sfn().createStateMachine(c -> c.name(stateMachineName).definition(definition).roleArn(stateMachineRole))
                .stateMachineArn();
        if (!created.equals(stateMachineArn)) {
            throw new IllegalStateException("state machine ARN " + created + " is not the one the functions were given: " + stateMachineArn);
        }

        aws.lambda().createEventSourceMapping(m -> m.functionName(names.get(PipelineFunction.START)).eventSourceArn(queueArn)
                .batchSize(Intake.BATCH_SIZE).functionResponseTypes(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES)
                .scalingConfig(s -> s.maximumConcurrency(2)));

        List<QueueConfiguration> notifications = new ArrayList<>();
        for (String suffix : Intake.notificationSuffixes()) {
            notifications.add(QueueConfiguration.builder().id("images" + suffix.replace('.', '-')).queueArn(queueArn)
                    .events(Event.S3_OBJECT_CREATED)
                    .filter(f -> f.key(k -> k.filterRules(filterRules(settings.imagePrefix(), suffix))))
                    .build());
        }
        aws.s3().putBucketNotificationConfiguration(n -> n.bucket(BUCKET).notificationConfiguration(c -> c.queueConfigurations(notifications)));

        return new PipelineResources(BUCKET, queueUrl, dlqUrl, topicArn, stateMachineArn, settings.vmimportRoleName(), names, inboxUrl);
    }

    private static List<FilterRule> filterRules(String prefix, String suffix) {
        List<FilterRule> rules = new ArrayList<>();
        if (!prefix.isEmpty()) rules.add(FilterRule.builder().name(FilterRuleName.PREFIX).value(prefix).build());
        rules.add(FilterRule.builder().name(FilterRuleName.SUFFIX).value(suffix).build());
        return rules;
    }

    private static String queueArn(AwsClients aws, String url) {
        return aws.sqs().getQueueAttributes(a -> a.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** moto stores some code; the function host runs the real artifact (the functions zip) for every function. */
    private static byte[] placeholderZip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("README.txt"));
            zip.write("The vm2ami function host runs functions/target/vm2ami-functions.zip for this function.".getBytes());
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String trust(String service) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"" + service
                + "\"},\"Action\":\"sts:AssumeRole\"}]}";
    }
}
