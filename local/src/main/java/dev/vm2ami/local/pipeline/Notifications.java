package dev.vm2ami.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads vm2ami notifications from an SQS queue subscribed to the notification topic. */
public final class Notifications {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One notification: the SNS subject, the JSON body and the message attributes. */
    public record Received(String subject, JsonNode body, Map<String, String> attributes) {
        public String status() {
            return body.path("status").asText();
        }

        public String key() {
            return body.path("source").path("key").asText();
        }
    }

    private final SqsClient sqs;
    private final String queueUrl;

    public Notifications(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** Whatever has arrived (waits up to {@code waitSeconds} for the first), deleted from the queue once read. */
    public List<Received> poll(int waitSeconds) {
        List<Received> out = new ArrayList<>();
        for (Message m : sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(waitSeconds)).messages()) {
            out.add(parse(m.body()));
            sqs.deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
        }
        return out;
    }

    /** An SNS envelope (as SNS delivers to SQS without raw delivery) around vm2ami's JSON body. */
    public static Received parse(String envelope) {
        try {
            JsonNode sns = JSON.readTree(envelope);
            Map<String, String> attributes = new LinkedHashMap<>();
            sns.path("MessageAttributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().path("Value").asText()));
            return new Received(sns.path("Subject").asText(), JSON.readTree(sns.path("Message").asText()), attributes);
        } catch (IOException e) {
            throw new UncheckedIOException("not an SNS notification: " + envelope, e);
        }
    }
}
