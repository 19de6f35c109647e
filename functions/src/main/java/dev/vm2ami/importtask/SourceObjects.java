package dev.vm2ami.importtask;

import java.util.Optional;

/**
 * What the image's key holds now. ImportImage reads the latest version of the key (EC2 takes no
 * version for a UserBucket), so the submit step compares it with the version the pre-flight check
 * read before it imports anything; {@link S3SourceObjects} is the real one.
 */
public interface SourceObjects {
    /** The latest object's identity: its versionId in a versioned bucket, else its ETag; empty when the key is gone. */
    Optional<Latest> latest(String bucket, String key);

    record Latest(String versionId, String etag) {
        public String version() {
            return versionId != null && !versionId.isBlank() && !"null".equals(versionId) ? versionId : etag;
        }
    }
}
