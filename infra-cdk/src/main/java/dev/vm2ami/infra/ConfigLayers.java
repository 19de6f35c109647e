package dev.vm2ami.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The raw configuration, one value per {@link ConfigKey}, taken from the last layer that sets it:
 * built-in defaults, then cdk.json's {@code vm2ami} block, then the per-account file
 * ({@code -c configFile=...}, else {@code config/<account>.json} when it exists), then single context
 * keys ({@code -c key=value}).
 */
final class ConfigLayers {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A value and the layer it came from, so an error can say where to fix it. */
    record Raw(Object value, String source) {}

    private ConfigLayers() {}

    /**
     * @param context  reads a CDK context key (null when unset)
     * @param account  the target account, when the CLI knows it
     * @param baseDir  folder that relative config file names are resolved against (the CDK app's folder)
     */
    static Map<ConfigKey, Raw> load(Function<String, Object> context, Optional<String> account, Path baseDir) {
        Map<ConfigKey, Raw> values = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) values.put(key, new Raw(key.defaultValue(), "built-in default"));

        Object block = normalize(context.apply(ConfigKey.DEFAULTS_BLOCK), "context " + ConfigKey.DEFAULTS_BLOCK);
        if (block != null) overlay(values, block, "cdk.json context '" + ConfigKey.DEFAULTS_BLOCK + "'");

        configFile(context, account, baseDir).ifPresent(file -> overlay(values, readFile(file), file.toString()));

        for (ConfigKey key : ConfigKey.values()) {
            Object value = context.apply(key.key());
            if (value != null) values.put(key, new Raw(normalize(value, key.key()), "context key " + key.key()));
        }
        return values;
    }

    private static Optional<Path> configFile(Function<String, Object> context, Optional<String> account, Path baseDir) {
        Object named = context.apply(ConfigKey.CONFIG_FILE);
        if (named != null && !named.toString().isBlank()) {
            Path file = baseDir.resolve(named.toString());
            if (!Files.isRegularFile(file)) {
                throw new ConfigurationException(ConfigKey.CONFIG_FILE + ": no such file " + file);
            }
            return Optional.of(file);
        }
        return account.map(a -> baseDir.resolve("config").resolve(a + ".json")).filter(Files::isRegularFile);
    }

    private static Object readFile(Path file) {
        try {
            return JSON.readValue(file.toFile(), Object.class);
        } catch (IOException e) {
            throw new ConfigurationException(file + " is not valid JSON: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static void overlay(Map<ConfigKey, Raw> values, Object layer, String source) {
        if (!(layer instanceof Map<?, ?> map)) {
            throw new ConfigurationException(source + " must be a JSON object of settings, e.g. {\"imagePrefix\": \"incoming/\"}");
        }
        for (Map.Entry<String, Object> e : ((Map<String, Object>) map).entrySet()) {
            ConfigKey key = ConfigKey.byKey(e.getKey()).orElseThrow(() -> new ConfigurationException(
                    "unknown key '" + e.getKey() + "' in " + source + "; the keys are: " + ConfigKey.allKeys()));
            values.put(key, new Raw(e.getValue(), source));
        }
    }

    /** Context values arrive as strings (-c), JSON values (cdk.json) or Jackson nodes (jsii); make them plain Java. */
    private static Object normalize(Object value, String where) {
        if (value instanceof JsonNode node) {
            try {
                return JSON.treeToValue(node, Object.class);
            } catch (JsonProcessingException e) {
                throw new ConfigurationException(where + ": " + e.getOriginalMessage());
            }
        }
        return value;
    }

    /** Parses JSON text given on the command line, e.g. {@code -c subscriptions='[...]'}. */
    static Object parseJson(String text, String where) {
        try {
            return JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new ConfigurationException(where + " is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
