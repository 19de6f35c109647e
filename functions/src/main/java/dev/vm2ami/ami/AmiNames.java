package dev.vm2ami.ami;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Renders the AMI name template: {stem} (the key's file name without extension), {key}, {date}
 * (yyyyMMdd), {time} (HHmmss), {version} (object version or ETag), in the characters EC2 takes
 * in an AMI name (3 to 128 of letters, digits, ( ) [ ] space . / - ' @ _).
 */
public final class AmiNames {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC);

    private AmiNames() {}

    public static String render(String template, String key, String version, Instant at) {
        String file = key.substring(key.lastIndexOf('/') + 1);
        int dot = file.lastIndexOf('.');
        String stem = dot > 0 ? file.substring(0, dot) : file;
        String name = template.replace("{stem}", stem).replace("{key}", key)
                .replace("{date}", DATE.format(at)).replace("{time}", TIME.format(at))
                .replace("{version}", version == null ? "" : version);
        return sanitize(name);
    }

    public static String sanitize(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9()\\[\\] ./'@_-]", "-")
                .replaceAll("(\\s*-\\s*){2,}", "-").replaceAll("^[\\s-]+|[\\s-]+$", "");
        if (cleaned.length() > 128) cleaned = cleaned.substring(0, 128).strip();
        while (cleaned.length() < 3) cleaned = cleaned + "-ami";
        return cleaned;
    }

    /** The name with a short suffix, for when the plain name is taken. */
    public static String withSuffix(String name, String suffix) {
        String s = "-" + suffix;
        return sanitize((name.length() + s.length() > 128 ? name.substring(0, 128 - s.length()) : name) + s);
    }
}
