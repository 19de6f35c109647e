package dev.vm2ami.intake;

/**
 * One record of an S3 event notification, with the object key decoded (S3 sends keys
 * URL-encoded, spaces as '+').
 */
public record S3EventRecord(String eventName, String eventTime, String region, String bucket, String key, Long size,
                            String etag, String versionId, String sequencer) {

    public boolean objectCreated() {
        return eventName != null && eventName.startsWith("ObjectCreated:");
    }

    /** A folder marker: the console's "Create folder" makes an empty object whose key ends in "/". */
    public boolean folderMarker() {
        return key.endsWith("/");
    }
}
