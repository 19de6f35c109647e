package dev.vm2ami.infra;

import dev.vm2ami.wiring.Intake;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The queue between the bucket's notifications and the start function. A message the start function
 * keeps failing ({@link Intake#MAX_RECEIVE_COUNT} times) goes to the dead-letter queue (kept 14 days;
 * an alarm watches it).
 */
final class IntakeQueue extends Construct {

    private final Queue queue;
    private final Queue deadLetters;

    IntakeQueue(Construct scope, String id) {
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
                .visibilityTimeout(Duration.seconds(Intake.visibilityTimeoutSeconds()))
                .retentionPeriod(Duration.days(4))
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetters).maxReceiveCount(Intake.MAX_RECEIVE_COUNT).build())
                .build();
    }

    Queue queue() {
        return queue;
    }

    Queue deadLetters() {
        return deadLetters;
    }
}
