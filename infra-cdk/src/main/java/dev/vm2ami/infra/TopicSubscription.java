package dev.vm2ami.infra;

import dev.vm2ami.wiring.NotificationAttributes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One subscription to the notification topic: a team's email address or SQS queue, with an optional
 * filter on the message attributes every notification carries.
 *
 * @param filter attribute name -> accepted values (an SNS allow-list filter policy); empty: every notification
 */
public record TopicSubscription(Protocol protocol, String endpoint, Map<String, List<String>> filter,
                                boolean rawMessageDelivery) {

    public enum Protocol { EMAIL, SQS }

    /** The message attributes of a notification (see the notify function) and, where fixed, their values. */
    public static final Set<String> ATTRIBUTES = NotificationAttributes.ALL;
    public static final Set<String> STATUSES = NotificationAttributes.STATUSES;

    static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern QUEUE_ARN = Pattern.compile("arn:aws[a-z-]*:sqs:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,80}(\\.fifo)?");
    private static final Set<String> FIELDS = Set.of("email", "queueArn", "filter", "rawMessageDelivery");

    public TopicSubscription {
        filter = Map.copyOf(filter);
    }

    /** Reads one entry of the {@code subscriptions} setting, e.g. {"email": "a@b.c", "filter": {"status": ["FAILED"]}}. */
    static TopicSubscription parse(Map<String, Object> entry, String where) {
        for (String field : entry.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new ConfigurationException(where + ": unknown field '" + field + "'; allowed: " + new TreeSet<>(FIELDS));
            }
        }
        boolean email = entry.containsKey("email");
        if (email == entry.containsKey("queueArn")) {
            throw new ConfigurationException(where + " needs exactly one of \"email\" or \"queueArn\", was " + entry);
        }
        String endpoint = String.valueOf(email ? entry.get("email") : entry.get("queueArn")).trim();
        if (email && !EMAIL.matcher(endpoint).matches()) {
            throw new ConfigurationException(where + ": email '" + endpoint + "' is not an email address");
        }
        if (!email && !QUEUE_ARN.matcher(endpoint).matches()) {
            throw new ConfigurationException(where + ": queueArn '" + endpoint + "' is not an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>)");
        }
        Object raw = entry.getOrDefault("rawMessageDelivery", false);
        if (!(raw instanceof Boolean rawDelivery) || (email && rawDelivery)) {
            throw new ConfigurationException(where + ": rawMessageDelivery must be true or false, and only for queues, was '" + raw + "'");
        }
        return new TopicSubscription(email ? Protocol.EMAIL : Protocol.SQS, endpoint,
                filter(entry.get("filter"), where), rawDelivery);
    }

    private static Map<String, List<String>> filter(Object raw, String where) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null) return out;
        if (!(raw instanceof Map<?, ?> map)) {
            throw new ConfigurationException(where + ": filter must be an object, e.g. {\"status\": [\"FAILED\", \"REJECTED\"], \"team\": [\"web\"]}");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String attribute = String.valueOf(e.getKey());
            if (!ATTRIBUTES.contains(attribute)) {
                throw new ConfigurationException(where + ": filter attribute '" + attribute + "' must be one of " + new TreeSet<>(ATTRIBUTES));
            }
            List<String> accepted = e.getValue() instanceof List<?> list
                    ? list.stream().map(String::valueOf).toList()
                    : List.of(String.valueOf(e.getValue()));
            if (accepted.isEmpty()) throw new ConfigurationException(where + ": filter attribute '" + attribute + "' lists no values");
            if (attribute.equals(NotificationAttributes.STATUS) && !STATUSES.containsAll(accepted)) {
                throw new ConfigurationException(where + ": filter status must be among " + new TreeSet<>(STATUSES) + ", was " + accepted);
            }
            out.put(attribute, accepted);
        }
        return out;
    }
}
