package dev.vm2ami.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.job.Json;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the body of an intake queue message: an S3 event notification (directly from S3, or
 * wrapped in an SNS envelope when S3 publishes to a topic), or S3's s3:TestEvent.
 */
public final class S3EventParser {

    /** What a message body holds. */
    public record Parsed(boolean testEvent, List<S3EventRecord> records) {}

    public static Parsed parse(String body) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the message body is not JSON: " + abbreviate(body), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the message body is not a JSON object: " + abbreviate(body));
        }
        if ("Notification".equals(root.path("Type").asText()) && root.has("Message")) {
            return parse(root.path("Message").asText()); // S3 -> SNS -> SQS
        }
        if ("s3:TestEvent".equals(root.path("Event").asText())) {
            return new Parsed(true, List.of());
        }
        JsonNode records = root.path("Records");
        if (!records.isArray()) {
            throw new IllegalArgumentException("the message is neither an S3 event notification nor an S3 test event: " + abbreviate(body));
        }
        List<S3EventRecord> out = new ArrayList<>();
        for (JsonNode r : records) {
            JsonNode s3 = r.path("s3");
            JsonNode object = s3.path("object");
            String rawKey = object.path("key").asText(null);
            String bucket = s3.path("bucket").path("name").asText(null);
            if (rawKey == null || bucket == null) {
                throw new IllegalArgumentException("an S3 event record without bucket or key: " + abbreviate(r.toString()));
            }
            out.add(new S3EventRecord(
                    r.path("eventName").asText(""),
                    r.path("eventTime").asText(null),
                    r.path("awsRegion").asText(null),
                    bucket,
                    URLDecoder.decode(rawKey, StandardCharsets.UTF_8),
                    object.hasNonNull("size") ? object.path("size").asLong() : null,
                    object.path("eTag").asText(null),
                    object.path("versionId").asText(null),
                    object.path("sequencer").asText(null)));
        }
        return new Parsed(false, out);
    }

    private static String abbreviate(String s) {
        if (s == null) return "null";
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
