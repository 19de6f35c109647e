package dev.vm2ami.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code k1=v1,k2=v2}: how maps travel in environment variables and CDK context. */
public final class KeyValues {
    private KeyValues() {}

    public static Map<String, String> parse(String setting, String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) return out;
        for (String pair : text.split(",")) {
            if (pair.isBlank()) continue;
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(setting + ": '" + pair.trim() + "' is not key=value (expected e.g. Owner=platform,CostCenter=42)");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }

    public static String format(Map<String, ?> map) {
        return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
