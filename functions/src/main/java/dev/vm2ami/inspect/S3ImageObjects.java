package dev.vm2ami.inspect;

import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.read.ByteRangeReader;
import dev.vm2ami.image.read.ByteSource;
import dev.vm2ami.image.read.CachingRangeReader;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.image.finding.Sizes;
import dev.vm2ami.job.PermissionDenied;
import dev.vm2ami.job.TransientFailure;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;

import java.util.Map;
import java.util.Optional;

/** {@link ImageObjects} on S3: HeadObject, GetObject of the manifest, ranged GETs of the image. */
public final class S3ImageObjects implements ImageObjects {
    private final S3Client s3;

    public S3ImageObjects(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public Optional<Head> head(ImportJob.SourceObject source) {
        return head(source.bucket(), source.key(), source.versionId());
    }

    private Optional<Head> head(String bucket, String key, String versionId) {
        try {
            HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key(key).versionId(versionId));
            return Optional.of(new Head(head.contentLength(), head.metadata(), head.versionId(), head.eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            // Without s3:ListBucket S3 answers 403 for a missing key (an extent file that is not there):
            // the listing of exactly this key tells a missing object from a denied one.
            if (e.statusCode() == 403) {
                if (versionId == null && !listed(bucket, key)) return Optional.empty();
                throw PermissionDenied.of(versionId != null ? "s3:GetObjectVersion" : "s3:GetObject",
                        "s3://" + bucket + "/" + key, e.getMessage(), e);
            }
            throw new TransientFailure("HeadObject of s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new TransientFailure("HeadObject of s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Map<String, String> tags(ImportJob.SourceObject source) {
        try {
            return s3.getObjectTagging(r -> r.bucket(source.bucket()).key(source.key()).versionId(source.versionId())).tagSet().stream()
                    .collect(java.util.stream.Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
        } catch (S3Exception e) {
            if (e.statusCode() == 403) {
                throw PermissionDenied.of(source.versionId() != null ? "s3:GetObjectVersionTagging" : "s3:GetObjectTagging",
                        "s3://" + source.bucket() + "/" + source.key(), e.getMessage(), e);
            }
            throw new TransientFailure("GetObjectTagging of s3://" + source.bucket() + "/" + source.key() + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new TransientFailure("GetObjectTagging of s3://" + source.bucket() + "/" + source.key() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> manifest(String bucket, String key) {
        if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            return Optional.empty(); // S3 keys have at most 1024 bytes: no manifest can exist for this image
        }
        try {
            // A ranged GET: whatever the object's size, at most MAX_MANIFEST_BYTES (+1, to tell "too large") are read.
            var response = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key).range("bytes=0-" + MAX_MANIFEST_BYTES));
            long size = totalSize(response.response().contentRange(), response.asByteArray().length);
            if (size > MAX_MANIFEST_BYTES) {
                throw new ManifestTooLarge("the sidecar manifest " + key + " is " + Sizes.human(size, "bytes")
                        + "; a manifest may have at most " + Sizes.human(MAX_MANIFEST_BYTES, "bytes"));
            }
            return Optional.of(response.asUtf8String());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            // Without s3:ListBucket, S3 answers 403 for a key that does not exist: ask the listing (the role may list
            // exactly this prefix) whether the manifest is there before calling it a denial.
            if (e.statusCode() == 403) {
                if (!listed(bucket, key)) return Optional.empty();
                throw PermissionDenied.of("s3:GetObject", "s3://" + bucket + "/" + key, e.getMessage(), e);
            }
            throw new TransientFailure("reading the sidecar manifest s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    /** The object's size from "bytes 0-65536/5368709120"; without a Content-Range, what was read. */
    private static long totalSize(String contentRange, int read) {
        if (contentRange != null && contentRange.contains("/")) {
            try {
                return Long.parseLong(contentRange.substring(contentRange.lastIndexOf('/') + 1).trim());
            } catch (NumberFormatException ignored) {
                // "*" or garbage: fall back to what was read
            }
        }
        return read;
    }

    /** S3's limit on the length of a key, in UTF-8 bytes. */
    static final int MAX_KEY_BYTES = 1024;

    private boolean listed(String bucket, String key) {
        try {
            return s3.listObjectsV2(r -> r.bucket(bucket).prefix(key).maxKeys(1)).contents().stream()
                    .anyMatch(o -> o.key().equals(key));
        } catch (S3Exception e) {
            if (e.statusCode() == 403) throw PermissionDenied.of("s3:ListBucket", "s3://" + bucket + " (prefix " + key + ")", e.getMessage(), e);
            throw new TransientFailure("listing s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new TransientFailure("listing s3://" + bucket + "/" + key + " (to tell a missing object from an "
                    + "unreadable one) failed: " + e.getMessage(), e);
        }
    }

    @Override
    public ExtentFiles extents(ImportJob.SourceObject source) {
        String prefix = source.key().substring(0, source.key().lastIndexOf('/') + 1);
        return name -> {
            String key = prefix + name;
            Optional<Head> head = head(source.bucket(), key, null);
            return head.map(h -> ByteSource.of(CachingRangeReader.wrap(new S3RangeReader(s3, source.bucket(), key, null, h.size()))));
        };
    }

    @Override
    public ByteRangeReader reader(ImportJob.SourceObject source, long size) {
        return new S3RangeReader(s3, source.bucket(), source.key(), source.versionId(), size);
    }
}
