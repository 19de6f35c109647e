package dev.vm2ami.local.redrive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves the S3 events the start function gave up on from the intake dead-letter queue back to the
 * intake queue, once what made it fail is fixed: receive, send, delete, message by message, so a
 * message is deleted only after its copy is in the intake queue (at worst one is sent twice, which
 * the deterministic execution names make harmless). Plain SQS calls, as StartMessageMoveTask is not
 * on every endpoint (the local cloud's moto has none).
 */
public final class IntakeRedrive {
    /** Long enough to send and delete a batch; a message not deleted by then comes back to the queue. */
    private static final int VISIBILITY_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final String deadLetterQueueUrl;
    private final String intakeQueueUrl;

    public IntakeRedrive(SqsClient sqs, String deadLetterQueueUrl, String intakeQueueUrl) {
        this.sqs = sqs;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
        this.intakeQueueUrl = intakeQueueUrl;
    }

    /** One message: its id and the S3 keys its event names (empty when it is not an S3 event). */
    public record Moved(String messageId, List<String> keys) {}

    /**
     * Moves up to {@code max} messages (with {@code dryRun}, only reads them and makes them visible
     * again); stops when the dead-letter queue answers empty.
     */
    public List<Moved> run(int max, boolean dryRun) {
        List<Moved> out = new ArrayList<>();
        List<String> looked = new ArrayList<>();
        while (out.size() < max) {
            int batch = Math.min(10, max - out.size());
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(deadLetterQueueUrl).maxNumberOfMessages(batch)
                    .waitTimeSeconds(1).visibilityTimeout(VISIBILITY_SECONDS).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (messages.isEmpty()) break;
            for (Message m : messages) {
                if (dryRun) {
                    looked.add(m.receiptHandle());
                } else {
                    sqs.sendMessage(r -> r.queueUrl(intakeQueueUrl).messageBody(m.body()).messageAttributes(m.messageAttributes()));
                    sqs.deleteMessage(r -> r.queueUrl(deadLetterQueueUrl).receiptHandle(m.receiptHandle()));
                }
                out.add(new Moved(m.messageId(), keys(m.body())));
            }
        }
        // A dry run leaves every message where it was, visible again at once.
        looked.forEach(handle -> sqs.changeMessageVisibility(r -> r.queueUrl(deadLetterQueueUrl).receiptHandle(handle).visibilityTimeout(0)));
        return out;
    }

    /** The object keys of an S3 event notification, as S3 sends them (URL-encoded). */
    static List<String> keys(String body) {
        List<String> keys = new ArrayList<>();
        try {
            JsonNode event = JSON.readTree(body);
            for (JsonNode r : event.path("Records")) {
                String key = r.path("s3").path("object").path("key").asText(null);
                if (key != null) keys.add(key);
            }
        } catch (IOException e) {
            // not JSON: moved all the same; the start function reports what it cannot read
        }
        return keys;
    }
}
