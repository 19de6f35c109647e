package dev.vm2ami.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.config.KeyValues;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.image.verdict.BootMode;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Json;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Per-image options: a sidecar manifest next to the image ({@code <key>.vm2ami.json}) wins over
 * the object's metadata ({@code x-amz-meta-vm2ami-*}), which wins over the stack's defaults.
 * Bad values are reported, not guessed around.
 */
public final class ImageOptionsResolver {
    public static final String MANIFEST_SUFFIX = ".vm2ami.json";
    public static final String METADATA_PREFIX = "vm2ami-";
    static final Set<String> FIELDS = Set.of("team", "licenseType", "bootMode", "description", "platform",
            "architecture", "usageOperation", "amiName", "tags");

    /** Options, or the reason they are invalid. */
    public record Resolved(ImportJob.ImageOptions options, Optional<String> problem) {}

    private final PipelineSettings settings;

    public ImageOptionsResolver(PipelineSettings settings) {
        this.settings = settings;
    }

    /**
     * @param format   the format found in the image's bytes
     * @param metadata the object's user metadata (keys without the x-amz-meta- prefix)
     * @param manifest the sidecar manifest's text, if there is one
     */
    public Resolved resolve(String format, Map<String, String> metadata, Optional<String> manifest) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> tags = new LinkedHashMap<>(settings.extraTags());
        try {
            metadata.forEach((k, v) -> {
                String name = k.toLowerCase(Locale.ROOT);
                if (!name.startsWith(METADATA_PREFIX)) return;
                String field = camel(name.substring(METADATA_PREFIX.length()));
                if (field.equals("tags")) tags.putAll(KeyValues.parse("x-amz-meta-vm2ami-tags", v));
                else if (FIELDS.contains(field)) values.put(field, v);
            });
            if (manifest.isPresent()) {
                JsonNode root = Json.MAPPER.readTree(manifest.get());
                if (root == null || !root.isObject()) return invalid(format, "the sidecar manifest is not a JSON object");
                for (var it = root.fields(); it.hasNext(); ) {
                    var e = it.next();
                    if (!FIELDS.contains(e.getKey())) {
                        return invalid(format, "the sidecar manifest has an unknown field '" + e.getKey() + "' (known: "
                                + new java.util.TreeSet<>(FIELDS) + ")");
                    }
                    if (e.getKey().equals("tags")) {
                        if (!e.getValue().isObject()) return invalid(format, "'tags' in the sidecar manifest must be an object");
                        e.getValue().fields().forEachRemaining(t -> tags.put(t.getKey(), t.getValue().asText()));
                    } else {
                        values.put(e.getKey(), e.getValue().asText());
                    }
                }
            }
        } catch (IOException e) {
            return invalid(format, "the sidecar manifest is not valid JSON: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return invalid(format, e.getMessage());
        }
        String bootMode = values.getOrDefault("bootMode", settings.defaultBootMode());
        String license = values.getOrDefault("licenseType", settings.defaultLicenseType()).toUpperCase(Locale.ROOT);
        try {
            BootMode.parse(bootMode);
        } catch (IllegalArgumentException e) {
            return invalid(format, e.getMessage());
        }
        if (!Set.of("", "AWS", "BYOL").contains(license)) {
            return invalid(format, "licenseType must be AWS or BYOL, was '" + license + "'");
        }
        String platform = values.getOrDefault("platform", "");
        if (!Set.of("", "Windows", "Linux").contains(platform)) {
            return invalid(format, "platform must be Windows or Linux, was '" + platform + "'");
        }
        String architecture = values.getOrDefault("architecture", "");
        if (!Set.of("", "x86_64", "arm64", "i386").contains(architecture)) {
            return invalid(format, "architecture must be x86_64, arm64 or i386, was '" + architecture + "'");
        }
        String team = values.getOrDefault("team", settings.defaultTeam());
        return new Resolved(new ImportJob.ImageOptions(format, team.isEmpty() ? null : team, emptyToNull(license),
                emptyToNull(bootMode), values.get("description"), emptyToNull(platform), emptyToNull(architecture),
                values.get("usageOperation"), values.get("amiName"), tags), Optional.empty());
    }

    private Resolved invalid(String format, String problem) {
        return new Resolved(new ImportJob.ImageOptions(format, emptyToNull(settings.defaultTeam()), null, null, null,
                null, null, null, null, settings.extraTags()), Optional.of(problem));
    }

    private static String camel(String dashed) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : dashed.toCharArray()) {
            if (c == '-' || c == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
