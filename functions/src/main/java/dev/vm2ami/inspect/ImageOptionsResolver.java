package dev.vm2ami.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.config.DistributionEnvironment;
import dev.vm2ami.config.DistributionOptions;
import dev.vm2ami.config.KeyValues;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.image.verdict.BootMode;
import dev.vm2ami.image.verdict.ImportPaths;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Per-image options: a sidecar manifest next to the image ({@code <key>.vm2ami.json}) wins over
 * the object's metadata ({@code x-amz-meta-vm2ami-*}), which wins over the stack's defaults.
 * Bad values are reported, not guessed around.
 */
public final class ImageOptionsResolver {
    public static final String MANIFEST_SUFFIX = ".vm2ami.json";
    public static final String METADATA_PREFIX = "vm2ami-";
    static final Set<String> FIELDS = Set.of("team", "licenseType", "bootMode", "description", "platform",
            "architecture", "usageOperation", "amiName", "tags", "importMode", "tpmSupport");
    /** The distribution options ({@link DistributionOptions}): what happens to the AMI once it exists. */
    static final Set<String> DISTRIBUTION_FIELDS = Set.of("shareWith", "copyToRegions", "regionKmsKeys", "ssmParameter",
            "deprecateAfterDays", "imdsSupport", "sourceDisposition");
    /** Metadata can hold only text: accounts and regions as comma-separated lists, keys as region=ARN pairs. */
    static final Set<String> DISTRIBUTION_METADATA = Set.of("shareWithAccounts", "copyToRegions", "regionKmsKeys",
            "ssmParameter", "deprecateAfterDays", "imdsSupport", "sourceDisposition");

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
        Distribution distribution = new Distribution();
        // The first problem found; reading goes on so that every valid field (the team above all: it routes
        // the REJECTED notification) is kept.
        String problem = null;
        Map<String, String> others = new TreeMap<>();
        String tagHeader = null;
        for (Map.Entry<String, String> m : metadata.entrySet()) {
            String name = m.getKey().toLowerCase(Locale.ROOT);
            if (!name.startsWith(METADATA_PREFIX)) {
                others.put(name, m.getValue());
                continue;
            }
            String field = camel(name.substring(METADATA_PREFIX.length()));
            try {
                if (field.equals("tags")) tagHeader = m.getValue();
                else if (FIELDS.contains(field)) values.put(field, m.getValue());
                else if (DISTRIBUTION_METADATA.contains(field)) distribution.metadata(field, m.getValue());
            } catch (IllegalArgumentException e) {
                if (problem == null) problem = e.getMessage();
            }
        }
        if (tagHeader != null) {
            try {
                // ';' separates tags too: the AWS CLI's shorthand (--metadata vm2ami-tags=A=1,B=2) splits on commas.
                Map<String, String> fromHeader = KeyValues.parse("x-amz-meta-vm2ami-tags", tagHeader.replace(';', ','));
                tags.putAll(fromHeader);
                if (fromHeader.size() == 1 && !others.isEmpty() && problem == null) problem = strayTags(tagHeader, others);
            } catch (IllegalArgumentException e) {
                if (problem == null) problem = e.getMessage();
            }
        }
        if (manifest.isPresent()) {
            String manifestProblem = readManifest(manifest.get(), values, tags, distribution);
            if (problem == null) problem = manifestProblem;
        }
        String team = validTeam(values.get("team")).orElse(settings.defaultTeam());
        if (problem != null) return invalid(format, problem, team);
        String bootMode = values.getOrDefault("bootMode", settings.defaultBootMode());
        String license = values.getOrDefault("licenseType", settings.defaultLicenseType()).toUpperCase(Locale.ROOT);
        try {
            BootMode.parse(bootMode);
        } catch (IllegalArgumentException e) {
            return invalid(format, e.getMessage(), team);
        }
        if (!Set.of("", "AWS", "BYOL").contains(license)) {
            return invalid(format, "licenseType must be AWS or BYOL, was '" + license + "'", team);
        }
        String platform = values.getOrDefault("platform", "");
        if (!Set.of("", "Windows", "Linux").contains(platform)) {
            return invalid(format, "platform must be Windows or Linux, was '" + platform + "'", team);
        }
        String architecture = values.getOrDefault("architecture", "");
        if (!Set.of("", "x86_64", "arm64", "i386").contains(architecture)) {
            return invalid(format, "architecture must be x86_64, arm64 or i386, was '" + architecture + "'", team);
        }
        String description = values.get("description");
        if (description != null && description.length() > MAX_DESCRIPTION) {
            return invalid(format, "description has at most " + MAX_DESCRIPTION + " characters (an AMI's limit), this one has "
                    + description.length(), team);
        }
        String importMode = values.getOrDefault("importMode", settings.defaultImportMode()).toLowerCase(Locale.ROOT);
        if (!ImportPaths.MODES.contains(importMode)) {
            return invalid(format, "importMode must be image, snapshot or auto, was '" + importMode + "'", team);
        }
        String tpm = values.getOrDefault("tpmSupport", "");
        if (!Set.of("", "v2.0").contains(tpm)) {
            return invalid(format, "tpmSupport must be v2.0 (NitroTPM), was '" + tpm + "'", team);
        }
        Optional<String> tagProblem = tagProblem(tags);
        if (tagProblem.isPresent()) return invalid(format, tagProblem.get(), team);
        DistributionOptions distributed = distribution.options().over(settings.distribution(), distribution.set);
        Optional<String> distributionProblem = distributed.problem();
        if (distributionProblem.isPresent()) return invalid(format, distributionProblem.get(), team);
        return new Resolved(new ImportJob.ImageOptions(format, team.isEmpty() ? null : team, emptyToNull(license),
                emptyToNull(bootMode), description, emptyToNull(platform), emptyToNull(architecture),
                values.get("usageOperation"), values.get("amiName"), tags, distributed.isEmpty() ? null : distributed,
                importMode, emptyToNull(tpm)),
                Optional.empty());
    }

    /** An AMI's description (CopyImage, ImportImage): at most this many characters. */
    public static final int MAX_DESCRIPTION = 255;

    /**
     * Reads the manifest's fields into {@code values}, {@code tags} and {@code distribution}, every
     * field it can; returns the first problem, or null.
     */
    private static String readManifest(String text, Map<String, String> values, Map<String, String> tags, Distribution distribution) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return "the sidecar manifest is not valid JSON: " + plainWords(e);
        } catch (IOException e) {
            return "the sidecar manifest cannot be read: " + e.getMessage();
        }
        if (root == null || !root.isObject()) return "the sidecar manifest is not a JSON object";
        String problem = null;
        for (var it = root.fields(); it.hasNext(); ) {
            var e = it.next();
            String found = null;
            if (e.getKey().equals("launchTemplate")) {
                // Asked for but not built: rejecting says so, instead of an AMI without the template the owner expects.
                found = "launchTemplate is not supported yet (vm2ami does not create launch templates); remove it from the manifest";
            } else if (DISTRIBUTION_FIELDS.contains(e.getKey())) {
                try {
                    distribution.manifest(e.getKey(), e.getValue());
                } catch (IllegalArgumentException ex) {
                    found = ex.getMessage();
                }
            } else if (!FIELDS.contains(e.getKey())) {
                TreeSet<String> known = new TreeSet<>(FIELDS);
                known.addAll(DISTRIBUTION_FIELDS);
                found = "the sidecar manifest has an unknown field '" + e.getKey() + "' (known: " + known + ")";
            } else if (e.getKey().equals("tags")) {
                if (!e.getValue().isObject()) found = "'tags' in the sidecar manifest must be an object";
                else e.getValue().fields().forEachRemaining(t -> tags.put(t.getKey(), t.getValue().asText()));
            } else if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                values.put(e.getKey(), e.getValue().asText());
            } else {
                found = "'" + e.getKey() + "' in the sidecar manifest must be a string";
            }
            if (problem == null) problem = found;
        }
        return problem;
    }

    /** Jackson's message without its internals: what is wrong, at which line and column. */
    static String plainWords(JsonProcessingException e) {
        String what = e.getOriginalMessage() == null ? "cannot be parsed" : e.getOriginalMessage();
        what = what.replaceAll(" \\(code -?\\d+\\)", "").replaceAll("(?s)\\R.*", "").strip();
        what = what.replaceAll("^Unexpected character \\('(.+)'\\)", "unexpected character '$1'")
                .replaceAll("^Unexpected end-of-input.*", "the text ends before the JSON does (a closing quote, } or ] is missing)");
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? what : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + what;
    }

    /**
     * The AWS CLI's shorthand {@code --metadata vm2ami-tags=App=shop,Env=prod} sends {@code vm2ami-tags: App=shop}
     * and a separate {@code env: prod}: a tag that would be lost without a word.
     */
    private static String strayTags(String tagHeader, Map<String, String> others) {
        String stray = String.join(", ", others.entrySet().stream().map(e -> "x-amz-meta-" + e.getKey() + ": " + e.getValue()).toList());
        return "x-amz-meta-vm2ami-tags holds one tag (" + tagHeader + ") and the object has other metadata (" + stray
                + "), which looks like tags the AWS CLI's shorthand split off at a comma; separate tags with ';' "
                + "(--metadata 'vm2ami-tags=App=shop;Env=prod') or use the JSON form "
                + "(--metadata '{\"vm2ami-tags\":\"App=shop,Env=prod\"}'), or put the tags in the sidecar manifest";
    }

    /** A team routes notifications (an SNS message attribute): a non-blank string. */
    private static Optional<String> validTeam(String team) {
        return team == null || team.isBlank() ? Optional.empty() : Optional.of(team.strip());
    }

    /** The options of an image whose options cannot be read (e.g. a manifest too large to be one): the defaults, and the problem. */
    public Resolved invalid(String format, String problem) {
        return invalid(format, problem, settings.defaultTeam());
    }

    /** Invalid options that still name the team, so that the REJECTED notification reaches it. */
    public Resolved invalid(String format, String problem, String team) {
        return new Resolved(new ImportJob.ImageOptions(format, emptyToNull(team), null, null, null,
                null, null, null, null, settings.extraTags(), null, settings.defaultImportMode(), null), Optional.of(problem));
    }

    /** The distribution options an image sets, and which ones (the others come from the stack's defaults). */
    private static final class Distribution {
        final Set<String> set = new java.util.HashSet<>();
        DistributionOptions.ShareWith shareWith;
        java.util.List<String> copyToRegions = java.util.List.of();
        Map<String, String> regionKmsKeys = Map.of();
        String ssmParameter;
        Integer deprecateAfterDays;
        String imdsSupport;
        String sourceDisposition;

        void metadata(String field, String value) {
            switch (field) {
                case "shareWithAccounts" -> {
                    set.add("shareWith");
                    shareWith = new DistributionOptions.ShareWith(DistributionEnvironment.commaList(value), null, null);
                }
                case "copyToRegions" -> {
                    set.add(field);
                    copyToRegions = DistributionEnvironment.commaList(value);
                }
                case "regionKmsKeys" -> {
                    set.add(field);
                    regionKmsKeys = KeyValues.parse("x-amz-meta-vm2ami-region-kms-keys", value);
                }
                case "deprecateAfterDays" -> {
                    set.add(field);
                    deprecateAfterDays = days(value);
                }
                default -> text(field, value);
            }
        }

        void manifest(String field, JsonNode value) {
            switch (field) {
                case "shareWith" -> {
                    set.add(field);
                    shareWith = DistributionEnvironment.shareWith(value);
                }
                case "copyToRegions" -> {
                    set.add(field);
                    copyToRegions = DistributionEnvironment.strings(field, value);
                }
                case "regionKmsKeys" -> {
                    if (!value.isObject()) throw new IllegalArgumentException("regionKmsKeys must be an object of region: key ARN");
                    set.add(field);
                    Map<String, String> keys = new LinkedHashMap<>();
                    value.fields().forEachRemaining(k -> keys.put(k.getKey(), k.getValue().asText()));
                    regionKmsKeys = keys;
                }
                case "deprecateAfterDays" -> {
                    set.add(field);
                    if (value.isNull()) deprecateAfterDays = null;
                    else if (value.isIntegralNumber() && value.canConvertToInt()) deprecateAfterDays = value.intValue();
                    else deprecateAfterDays = days(value.asText());
                }
                default -> {
                    if (!value.isTextual()) throw new IllegalArgumentException(field + " must be a string");
                    text(field, value.asText());
                }
            }
        }

        private void text(String field, String value) {
            set.add(field);
            switch (field) {
                case "ssmParameter" -> ssmParameter = value;
                case "imdsSupport" -> imdsSupport = value;
                case "sourceDisposition" -> sourceDisposition = value;
                default -> throw new IllegalStateException("not a distribution option: " + field);
            }
        }

        private static Integer days(String text) {
            try {
                return Integer.valueOf(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("deprecateAfterDays must be a whole number of days, was '" + text + "'");
            }
        }

        DistributionOptions options() {
            return new DistributionOptions(shareWith, copyToRegions, regionKmsKeys, ssmParameter, deprecateAfterDays,
                    imdsSupport, sourceDisposition);
        }
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
