package dev.vm2ami.local.cli;

import java.util.Optional;

/** {@code s3://BUCKET/KEY}, as the AWS CLI writes S3 objects. */
record S3Location(String bucket, String key) {

    static boolean is(String text) {
        return text.startsWith("s3://");
    }

    static Optional<S3Location> parse(String text) {
        if (!is(text)) return Optional.empty();
        String rest = text.substring("s3://".length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) return Optional.empty();
        return Optional.of(new S3Location(rest.substring(0, slash), rest.substring(slash + 1)));
    }

    /** The key's last part: what the check calls the file (and tells the format's extension from). */
    String fileName() {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
