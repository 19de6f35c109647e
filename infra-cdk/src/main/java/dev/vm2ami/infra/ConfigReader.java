package dev.vm2ami.infra;

import dev.vm2ami.config.KeyValues;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Typed reads of the layered configuration; every failure names the key, what is allowed and where it was set. */
final class ConfigReader {
    private final Map<ConfigKey, ConfigLayers.Raw> values;

    ConfigReader(Map<ConfigKey, ConfigLayers.Raw> values) {
        this.values = values;
    }

    String text(ConfigKey key) {
        Object v = raw(key).value();
        if (v == null) return "";
        if (v instanceof Map<?, ?> || v instanceof List<?>) throw invalid(key, "must be a string");
        return v.toString().trim();
    }

    String oneOf(ConfigKey key, Set<String> allowed) {
        String v = text(key);
        if (!allowed.contains(v)) throw invalid(key, "must be one of " + new TreeSet<>(allowed));
        return v;
    }

    int integer(ConfigKey key, int min, int max) {
        return (int) wholeNumber(key, min, max);
    }

    long wholeNumber(ConfigKey key, long min, long max) {
        Object v = raw(key).value();
        String rule = max == Integer.MAX_VALUE || max == Long.MAX_VALUE ? "must be a whole number of at least " + min
                : "must be a whole number from " + min + " to " + max;
        long n;
        if (v instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
            n = number.longValue();
        } else {
            try {
                n = Long.parseLong(String.valueOf(v).trim());
            } catch (NumberFormatException e) {
                throw invalid(key, rule);
            }
        }
        if (n < min || n > max) throw invalid(key, rule);
        return n;
    }

    boolean bool(ConfigKey key) {
        Object v = raw(key).value();
        if (v instanceof Boolean b) return b;
        String s = String.valueOf(v).trim();
        if (s.equals("true") || s.equals("false")) return Boolean.parseBoolean(s);
        throw invalid(key, "must be true or false");
    }

    /** A JSON array of strings, or a comma-separated string. */
    List<String> list(ConfigKey key) {
        Object v = jsonIfText(key, '[');
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> items) {
            for (Object item : items) {
                if (item instanceof Map<?, ?> || item instanceof List<?>) throw invalid(key, "must be a list of strings");
                out.add(String.valueOf(item).trim());
            }
        } else if (v != null) {
            for (String part : v.toString().split(",")) if (!part.isBlank()) out.add(part.trim());
        }
        return out;
    }

    /** A JSON object of strings, or {@code k1=v1,k2=v2}. */
    Map<String, String> map(ConfigKey key) {
        Object v = jsonIfText(key, '{');
        Map<String, String> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, value) -> out.put(String.valueOf(k), String.valueOf(value)));
        } else if (v != null) {
            try {
                out.putAll(KeyValues.parse(key.key(), v.toString()));
            } catch (IllegalArgumentException e) {
                throw invalid(key, "must be a JSON object or key=value pairs, e.g. Owner=platform,CostCenter=42");
            }
        }
        return out;
    }

    /** A JSON array of objects (JSON text on the command line). */
    List<Map<String, Object>> objects(ConfigKey key) {
        Object v = jsonIfText(key, '[');
        if (v == null || (v instanceof String s && s.isBlank())) return List.of();
        if (!(v instanceof List<?> items)) throw invalid(key, "must be a JSON array of objects");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof Map<?, ?> m)) throw invalid(key, "must be a JSON array of objects");
            Map<String, Object> entry = new LinkedHashMap<>();
            m.forEach((k, value) -> entry.put(String.valueOf(k), value));
            out.add(entry);
        }
        return out;
    }

    /** The value as given, for settings that accept several shapes (e.g. stallSeconds). */
    Object value(ConfigKey key) {
        return raw(key).value();
    }

    ConfigurationException invalid(ConfigKey key, String rule) {
        ConfigLayers.Raw raw = raw(key);
        return new ConfigurationException(key.key() + " " + rule + ", was '" + raw.value() + "' (from " + raw.source() + ")");
    }

    String source(ConfigKey key) {
        return raw(key).source();
    }

    private Object jsonIfText(ConfigKey key, char opening) {
        Object v = raw(key).value();
        if (v instanceof String s && s.trim().startsWith(String.valueOf(opening))) {
            return ConfigLayers.parseJson(s, key.key() + " (from " + raw(key).source() + ")");
        }
        return v;
    }

    private ConfigLayers.Raw raw(ConfigKey key) {
        return values.get(key);
    }
}
