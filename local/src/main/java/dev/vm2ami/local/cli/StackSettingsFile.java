package dev.vm2ami.local.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.infra.ConfigKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --config FILE}: the stack's settings as the CDK app reads them from {@code infra-cdk/config/*.json}
 * (one JSON object, the keys of {@link ConfigKey}), for the stack the local cloud deploys. The values are
 * checked where the CDK app checks them, when the stack is synthesized.
 */
final class StackSettingsFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StackSettingsFile() {}

    /** @throws IllegalArgumentException when the file is missing, not a JSON object, or names an unknown key */
    static Map<String, Object> read(Path file) {
        JsonNode doc;
        try {
            doc = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        if (doc == null || !doc.isObject()) throw new IllegalArgumentException(file + " must hold one JSON object of settings");
        List<String> unknown = new ArrayList<>();
        doc.fieldNames().forEachRemaining(k -> {
            if (ConfigKey.byKey(k).isEmpty()) unknown.add(k);
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(file + " has settings the stack does not know: " + String.join(", ", unknown)
                    + " (the keys are those of infra-cdk/config/*.json; README.md, Configuration)");
        }
        return new LinkedHashMap<>(JSON.convertValue(doc, new TypeReference<Map<String, Object>>() {}));
    }
}
