package dev.vm2ami.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The queue between the bucket's notifications and the start function. A message the start function
 * fails five times goes to the dead-letter queue (kept 14 days; an alarm watches it).
 */
final class IntakeQueue extends Construct {
    static final int MAX_RECEIVE_COUNT = 5;
    /** AWS's advice for SQS event sources: visibility timeout at least six times the function timeout. */
    static final int VISIBILITY_FACTOR = 6;

    private final Queue queue;
    private final Queue deadLetters;

    IntakeQueue(Construct scope, String id, int consumerTimeoutSeconds) {
        super(scope, id);
        // SQS-managed encryption: S3 can deliver to it without a key policy.
        this.deadLetters = Queue.Builder.create(this, "DeadLetters")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        this.queue = Queue.Builder.create(this, "Queue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds((long) VISIBILITY_FACTOR * consumerTimeoutSeconds))
                .retentionPeriod(Duration.days(4))
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(MAX_RECEIVE_COUNT).build())
                .build();
    }

    Queue queue() {
        return queue;
    }

    Queue deadLetters() {
        return deadLetters;
    }
}
