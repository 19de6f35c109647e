package dev.vm2ami.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.local.cloud.AwsClients;
import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.stack.StackTemplate;
import dev.vm2ami.local.stack.TemplateDeployer;
import dev.vm2ami.wiring.PipelineFunction;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Deploys the pipeline into the local cloud from the template the CDK app synthesizes for the stack:
 * the same roles and policies (enforced locally), bucket, notifications, queues, topics, functions,
 * environments, event source mapping and state machine that {@code cdk deploy} creates on AWS
 * ({@link TemplateDeployer}). Two written exceptions: the local clock's timing knobs replace the
 * timing values in the functions' environments ({@link #localClock}), and an "inbox" queue subscribed
 * to the notification topic lets a user (or a test) read the notifications.
 */
public final class LocalPipeline {
    public static final String STACK_NAME = "vm2ami";
    public static final String ACCOUNT = "123456789012";

    private LocalPipeline() {}

    /** The AWS timing scaled to the local cloud's clock: a 30-minute import takes seconds, so do the waits. */
    public static PipelineSettings settingsFor(double timeScale) {
        PipelineSettings.Timing aws = PipelineSettings.Timing.aws();
        PipelineSettings.Timing local = new PipelineSettings.Timing(timeScale,
                Math.max(2, scale(aws.pollSeconds(), timeScale)), 1,
                Math.max(120, scale(aws.deadlineSeconds(), timeScale)), aws.maxAttempts(), Map.of(),
                1, Math.max(2, scale(aws.quotaBackoffMaxSeconds(), timeScale)), 1);
        return PipelineSettings.defaults().withTiming(local);
    }

    private static int scale(int seconds, double factor) {
        return (int) Math.round(seconds * factor);
    }

    /**
     * The one change the local cloud makes to a function's environment: every timing value that the
     * local clock scales (the keys whose local value differs from AWS's) takes its local value.
     */
    public static Map<String, String> localClock(Map<String, String> environment, double timeScale) {
        Map<String, String> aws = PipelineSettings.defaults().toEnvironment();
        Map<String, String> local = settingsFor(timeScale).toEnvironment();
        Map<String, String> out = new LinkedHashMap<>(environment);
        local.forEach((key, value) -> {
            if (out.containsKey(key) && !Objects.equals(aws.get(key), value)) out.put(key, value);
        });
        return out;
    }

    /** The default stack (cdk.json's configuration). */
    public static PipelineResources deploy(LocalCloud cloud) {
        return deploy(cloud, Map.of());
    }

    /**
     * Synthesizes the stack for cdk.json's configuration with {@code settings} over it (e.g.
     * {@code stackName}, {@code imagePrefix}) and deploys it.
     */
    public static PipelineResources deploy(LocalCloud cloud, Map<String, Object> settings) {
        JsonNode template;
        try {
            template = StackTemplate.synthesize(settings, cloud.options().functionsArtifact(), StackTemplate.defaultCache());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return deploy(cloud, template, (String) settings.getOrDefault("stackName", STACK_NAME));
    }

    public static PipelineResources deploy(LocalCloud cloud, JsonNode template, String stackName) {
        AwsClients aws = cloud.clients();
        double timeScale = cloud.options().timeScale();
        TemplateDeployer.Deployed deployed = new TemplateDeployer(aws, cloud.endpoint(), cloud.region(), ACCOUNT,
                env -> localClock(env, timeScale)).deploy(template, stackName);
        Map<String, String> outputs = deployed.outputs();

        String topicArn = outputs.get("NotificationTopicArn");
        String inboxUrl = aws.sqs().createQueue(q -> q.queueName(stackName + "-notifications-inbox")).queueUrl();
        aws.sns().subscribe(s -> s.topicArn(topicArn).protocol("sqs").endpoint(queueArn(aws, inboxUrl))
                .attributes(Map.of("RawMessageDelivery", "false")));

        String queueUrl = outputs.get("IntakeQueueUrl");
        String redrive = aws.sqs().getQueueAttributes(a -> a.queueUrl(queueUrl).attributeNames(QueueAttributeName.REDRIVE_POLICY))
                .attributes().get(QueueAttributeName.REDRIVE_POLICY);
        String dlqName = deadLetterQueueName(redrive);
        String dlqUrl = aws.sqs().getQueueUrl(u -> u.queueName(dlqName)).queueUrl();

        Map<PipelineFunction, String> names = new EnumMap<>(PipelineFunction.class);
        for (PipelineFunction f : PipelineFunction.values()) {
            String name = f.functionName(stackName);
            if (!deployed.physicalIds().containsValue(name)) {
                throw new IllegalStateException("the template deploys no function " + name);
            }
            names.put(f, name);
        }
        List<String> unprepared = cloud.prepareFunctions(ACCOUNT, List.copyOf(names.values()));
        if (!unprepared.isEmpty()) throw new IllegalStateException("SnapStart emulation: functions not primed: " + unprepared);
        return new PipelineResources(stackName, outputs.get("BucketName"), queueUrl, dlqUrl, topicArn,
                outputs.get("StateMachineArn"), outputs.get("VmImportRoleName"), names, inboxUrl, deployed.schedules(),
                deployed.skipped());
    }

    /**
     * A queue for people: subscribed to the topic with raw message delivery, so a message's body is
     * vm2ami's notification JSON as published and the filter attributes (status, team, format,
     * category) are SQS message attributes. (The inbox of {@link PipelineResources} keeps SNS's
     * envelope, which also carries the subject, for the CLI and the tests.)
     */
    public static String subscribeRawInbox(AwsClients aws, PipelineResources pipeline) {
        String url = aws.sqs().createQueue(q -> q.queueName(pipeline.stackName() + "-inbox")).queueUrl();
        aws.sns().subscribe(s -> s.topicArn(pipeline.topicArn()).protocol("sqs").endpoint(queueArn(aws, url))
                .attributes(Map.of("RawMessageDelivery", "true")));
        return url;
    }

    static String queueArn(AwsClients aws, String url) {
        return aws.sqs().getQueueAttributes(a -> a.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private static String deadLetterQueueName(String redrivePolicy) {
        try {
            String arn = new com.fasterxml.jackson.databind.ObjectMapper().readTree(redrivePolicy).path("deadLetterTargetArn").asText();
            return arn.substring(arn.lastIndexOf(':') + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
