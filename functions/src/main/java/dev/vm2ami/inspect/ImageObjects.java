package dev.vm2ami.inspect;

import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.read.ByteRangeReader;
import dev.vm2ami.job.ImportJob;

import java.util.Map;
import java.util.Optional;

/**
 * The S3 calls of the inspect step; {@link S3ImageObjects} is the real one. Failures S3 may recover
 * from (it did not answer, it throttled) are {@link dev.vm2ami.job.TransientFailure}s, which the
 * state machine retries.
 */
public interface ImageObjects {
    /** HeadObject of the job's object version: its size and metadata; empty when it is gone (deleted, overwritten). */
    Optional<Head> head(ImportJob.SourceObject source);

    /**
     * The text of the image's sidecar manifest, the object {@code key} of {@code bucket}; empty when there is none.
     * Throws {@link ManifestTooLarge} for one over {@link #MAX_MANIFEST_BYTES}, which is not read whole.
     */
    Optional<String> manifest(String bucket, String key);

    /** A manifest is a few hundred bytes of JSON; anything this large is not one. */
    int MAX_MANIFEST_BYTES = 64 * 1024;

    /** The object named as the manifest is too large to be one. */
    final class ManifestTooLarge extends RuntimeException {
        public ManifestTooLarge(String message) {
            super(message);
        }
    }

    /** The objects beside the image (under its prefix), by name: the extent files a VMDK descriptor names. */
    default ExtentFiles extents(ImportJob.SourceObject source) {
        return ExtentFiles.NONE;
    }

    /** Ranged reads of the object version, {@code size} bytes long. */
    ByteRangeReader reader(ImportJob.SourceObject source, long size);

    /** The object version's tags (a converted image's provenance and figures); empty when it has none. */
    default Map<String, String> tags(ImportJob.SourceObject source) {
        return Map.of();
    }

    /**
     * @param size      the object's size in bytes
     * @param metadata  its user metadata, keys without the {@code x-amz-meta-} prefix
     * @param versionId its version, or null in a bucket without versioning
     * @param etag      its ETag, or null when not known
     */
    record Head(long size, Map<String, String> metadata, String versionId, String etag) {
        public Head {
            metadata = Map.copyOf(metadata);
        }

        public Head(long size, Map<String, String> metadata) {
            this(size, metadata, null, null);
        }
    }
}
