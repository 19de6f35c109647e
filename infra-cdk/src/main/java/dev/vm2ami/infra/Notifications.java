package dev.vm2ami.infra;

import dev.vm2ami.wiring.ResourceNames;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.StringConditions;
import software.amazon.awscdk.services.sns.Subscription;
import software.amazon.awscdk.services.sns.SubscriptionFilter;
import software.amazon.awscdk.services.sns.SubscriptionProtocol;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two topics: notifications (one per image, to the teams) and ops (alarms, to whoever runs the
 * pipeline). Both are encrypted with a key the stack creates and accept only TLS.
 */
final class Notifications extends Construct {
    private final Key key;
    private final Topic topic;
    private final Topic opsTopic;

    Notifications(Construct scope, String id, String stackName, Arns arns) {
        super(scope, id);
        // Messages live in SNS only until delivered, so the key goes with the stack (after KMS's waiting period).
        this.key = Key.Builder.create(this, "TopicKey")
                .description("Encrypts the notification and ops topics of the vm2ami stack " + stackName)
                .enableKeyRotation(true)
                .pendingWindow(Duration.days(7))
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        this.topic = Topic.Builder.create(this, "Topic")
                .topicName(ResourceNames.notificationTopic(stackName))
                .displayName("vm2ami")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        String opsTopicName = stackName + "-ops";
        this.opsTopic = Topic.Builder.create(this, "OpsTopic")
                .topicName(opsTopicName)
                .displayName("vm2ami ops")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        allowAlarms(arns, arns.topic(opsTopicName));
    }

    /**
     * CloudWatch alarms publish as the CloudWatch service, so the ops topic's policy must let it in and
     * the key must let it encrypt; both only for this account's alarms and this topic.
     */
    private void allowAlarms(Arns arns, String opsTopicArn) {
        opsTopic.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AllowThisAccountsAlarms")
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("sns:Publish"))
                .resources(List.of(opsTopic.getTopicArn()))
                .conditions(Map.of("ArnLike", Map.of("aws:SourceArn", arns.alarms())))
                .build());
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AllowAlarmsToPublishToTheOpsTopic")
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
                .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("kms:EncryptionContext:aws:sns:topicArn", opsTopicArn)))
                .build());
    }

    void subscribe(TopicSubscription subscription, String id) {
        Subscription.Builder builder = Subscription.Builder.create(this, id)
                .topic(topic)
                .protocol(subscription.protocol() == TopicSubscription.Protocol.EMAIL
                        ? SubscriptionProtocol.EMAIL : SubscriptionProtocol.SQS)
                .endpoint(subscription.endpoint());
        if (subscription.rawMessageDelivery()) builder.rawMessageDelivery(true);
        if (!subscription.filter().isEmpty()) builder.filterPolicy(filterPolicy(subscription.filter()));
        builder.build();
    }

    void subscribeOps(String email, String id) {
        Subscription.Builder.create(this, id).topic(opsTopic).protocol(SubscriptionProtocol.EMAIL).endpoint(email).build();
    }

    private static Map<String, SubscriptionFilter> filterPolicy(Map<String, List<String>> filter) {
        Map<String, SubscriptionFilter> policy = new LinkedHashMap<>();
        filter.forEach((attribute, values) -> policy.put(attribute,
                SubscriptionFilter.stringFilter(StringConditions.builder().allowlist(values).build())));
        return policy;
    }

    Key key() {
        return key;
    }

    Topic topic() {
        return topic;
    }

    Topic opsTopic() {
        return opsTopic;
    }
}
