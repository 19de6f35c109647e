package dev.vm2ami.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vm2ami.wiring.EnvKeys;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The distribution options as text: the functions' environment (the stack's defaults) and the JSON
 * of a sidecar manifest or of the configuration. Shapes that are wrong (a string where a list belongs)
 * are reported with the option's name, never guessed around.
 */
public final class DistributionEnvironment {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final Set<String> SHARE_FIELDS = Set.of("accounts", "organizationArns", "organizationalUnitArns");

    private DistributionEnvironment() {}

    public static DistributionOptions read(Map<String, String> env) {
        String share = env.getOrDefault(EnvKeys.SHARE_WITH, "");
        String days = env.getOrDefault(EnvKeys.DEPRECATE_AFTER_DAYS, "").trim();
        Integer deprecate;
        try {
            deprecate = days.isEmpty() ? null : Integer.valueOf(days);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(EnvKeys.DEPRECATE_AFTER_DAYS + " must be a whole number, was '" + days + "'");
        }
        DistributionOptions.ShareWith shareWith;
        try {
            shareWith = share.isBlank() ? DistributionOptions.ShareWith.none() : shareWith(MAPPER.readTree(share));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(EnvKeys.SHARE_WITH + " is not JSON: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(EnvKeys.SHARE_WITH + ": " + e.getMessage());
        }
        return new DistributionOptions(shareWith, commaList(env.getOrDefault(EnvKeys.COPY_TO_REGIONS, "")),
                KeyValues.parse(EnvKeys.REGION_KMS_KEYS, env.getOrDefault(EnvKeys.REGION_KMS_KEYS, "")),
                env.getOrDefault(EnvKeys.SSM_PARAMETER, ""), deprecate, env.getOrDefault(EnvKeys.IMDS_SUPPORT, ""),
                env.getOrDefault(EnvKeys.SOURCE_DISPOSITION, DistributionOptions.KEEP));
    }

    /** The environment's form of shareWith: compact JSON, or "" when it shares with nobody. */
    public static String shareWith(DistributionOptions.ShareWith s) {
        if (s.isEmpty()) return "";
        ObjectNode node = MAPPER.createObjectNode();
        if (!s.accounts().isEmpty()) s.accounts().forEach(node.putArray("accounts")::add);
        if (!s.organizationArns().isEmpty()) s.organizationArns().forEach(node.putArray("organizationArns")::add);
        if (!s.organizationalUnitArns().isEmpty()) s.organizationalUnitArns().forEach(node.putArray("organizationalUnitArns")::add);
        return node.toString();
    }

    /** {"accounts": [...], "organizationArns": [...], "organizationalUnitArns": [...]}, each optional. */
    public static DistributionOptions.ShareWith shareWith(JsonNode node) {
        if (node == null || node.isNull()) return DistributionOptions.ShareWith.none();
        if (!node.isObject()) throw new IllegalArgumentException("shareWith must be an object with accounts, organizationArns and organizationalUnitArns");
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!SHARE_FIELDS.contains(field)) {
                throw new IllegalArgumentException("shareWith has an unknown field '" + field + "' (known: accounts, organizationArns, organizationalUnitArns)");
            }
        }
        return new DistributionOptions.ShareWith(strings("shareWith.accounts", node.get("accounts")),
                strings("shareWith.organizationArns", node.get("organizationArns")),
                strings("shareWith.organizationalUnitArns", node.get("organizationalUnitArns")));
    }

    /** A JSON array of strings (account ids may be given as numbers, but keep their 12 digits: give them as strings). */
    public static List<String> strings(String option, JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) return out;
        if (!node.isArray()) throw new IllegalArgumentException(option + " must be a list (a JSON array)");
        for (JsonNode item : node) {
            if (!item.isTextual() && !item.isNumber()) throw new IllegalArgumentException(option + " must be a list of strings");
            out.add(item.asText());
        }
        return out;
    }

    public static List<String> commaList(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) return out;
        for (String part : text.split(",")) if (!part.isBlank()) out.add(part.trim());
        return out;
    }
}
