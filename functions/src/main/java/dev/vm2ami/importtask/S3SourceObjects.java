package dev.vm2ami.importtask;

import dev.vm2ami.job.PermissionDenied;
import dev.vm2ami.job.TransientFailure;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.Optional;

/** {@link SourceObjects} over S3: a HeadObject of the key, without a version. */
public final class S3SourceObjects implements SourceObjects {
    private final S3Client s3;

    public S3SourceObjects(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public Optional<Latest> latest(String bucket, String key) {
        try {
            HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key(key));
            return Optional.of(new Latest(head.versionId(), head.eTag() == null ? null : head.eTag().replace("\"", "")));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            // Without s3:ListBucket S3 answers 403 for a deleted key too: the listing of exactly this key tells which.
            if (e.statusCode() == 403) {
                if (!listed(bucket, key)) return Optional.empty();
                throw PermissionDenied.of("s3:GetObject", "s3://" + bucket + "/" + key, e.getMessage(), e);
            }
            throw new TransientFailure("HeadObject of s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new TransientFailure("HeadObject of s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    private boolean listed(String bucket, String key) {
        try {
            return s3.listObjectsV2(r -> r.bucket(bucket).prefix(key).maxKeys(1)).contents().stream().anyMatch(o -> o.key().equals(key));
        } catch (S3Exception e) {
            if (e.statusCode() == 403) throw PermissionDenied.of("s3:ListBucket", "s3://" + bucket + " (prefix " + key + ")", e.getMessage(), e);
            throw new TransientFailure("listing s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new TransientFailure("listing s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }
}
