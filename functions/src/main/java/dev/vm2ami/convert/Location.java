package dev.vm2ami.convert;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where an image is: {@code s3://bucket/key} or a local path.
 *
 * @param bucket the S3 bucket, or empty for a local file
 * @param key    the S3 key, or the local path
 */
public record Location(Optional<String> bucket, String key) {
    public static Location parse(String text) {
        if (text.startsWith("s3://")) {
            String rest = text.substring("s3://".length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) throw new IllegalArgumentException("not an S3 object: " + text + " (s3://bucket/key)");
            return new Location(Optional.of(rest.substring(0, slash)), rest.substring(slash + 1));
        }
        if (text.isBlank()) throw new IllegalArgumentException("an empty location");
        return new Location(Optional.empty(), text);
    }

    public static Location s3(String bucket, String key) {
        return new Location(Optional.of(bucket), key);
    }

    public boolean isS3() {
        return bucket.isPresent();
    }

    public Path path() {
        return Path.of(key);
    }

    /** The file name: what follows the last slash. */
    public String name() {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** A sibling's location: the same bucket or directory, another name. */
    public Location sibling(String name) {
        int slash = key.lastIndexOf('/');
        return new Location(bucket, (slash < 0 ? "" : key.substring(0, slash + 1)) + name);
    }

    /** Where the conversion of this object goes by default: {@code prefix + key + "." + extension}, in the same bucket or directory. */
    public Location converted(String prefix, String extension) {
        if (isS3()) return new Location(bucket, prefix + key + "." + extension);
        return new Location(bucket, key + "." + extension);
    }

    @Override
    public String toString() {
        return bucket.map(b -> "s3://" + b + "/" + key).orElse(key);
    }
}
