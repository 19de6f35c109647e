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
        Optional<String> tagProblem = tagProblem(tags);
        if (tagProblem.isPresent()) return invalid(format, tagProblem.get());
        String team = values.getOrDefault("team", settings.defaultTeam());
        return new Resolved(new ImportJob.ImageOptions(format, team.isEmpty() ? null : team, emptyToNull(license),
                emptyToNull(bootMode), values.get("description"), emptyToNull(platform), emptyToNull(architecture),
                values.get("usageOperation"), values.get("amiName"), tags), Optional.empty());
    }

    /** The options of an image whose options cannot be read (e.g. a manifest too large to be one): the defaults, and the problem. */
    public Resolved invalid(String format, String problem) {
        return new Resolved(new ImportJob.ImageOptions(format, emptyToNull(settings.defaultTeam()), null, null, null,
                null, null, null, null, settings.extraTags()), Optional.of(problem));
    }

    /** EC2's limit on tags per resource. */
    public static final int MAX_TAGS = 50;
    /** The provenance tags the finish step adds to every AMI (Name and the vm2ami: ones): at most this many. */
    public static final int PROVENANCE_TAGS = 10;

    /**
     * What EC2's CreateTags would refuse, found before anything is imported (else the import succeeds
     * and tagging its copy fails, leaving an untagged AMI behind): aws: keys, lengths, the count.
     */
    static Optional<String> tagProblem(Map<String, String> tags) {
        for (Map.Entry<String, String> t : tags.entrySet()) {
            String key = t.getKey();
            if (key == null || key.isEmpty()) return Optional.of("a tag has an empty key");
            if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                return Optional.of("tag '" + key + "': keys starting with aws: are reserved for AWS");
            }
            if (key.length() > 128) return Optional.of("tag '" + key.substring(0, 40) + "...': keys have at most 128 characters");
            String value = t.getValue() == null ? "" : t.getValue();
            if (value.length() > 256) return Optional.of("tag '" + key + "': values have at most 256 characters, this one has " + value.length());
        }
        if (tags.size() + PROVENANCE_TAGS > MAX_TAGS) {
            return Optional.of(tags.size() + " tags (extraTags, metadata and manifest together); with vm2ami's "
                    + PROVENANCE_TAGS + " provenance tags an AMI may carry at most " + MAX_TAGS + ", so at most "
                    + (MAX_TAGS - PROVENANCE_TAGS) + " of your own");
        }
        return Optional.empty();
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
