package dev.vm2ami.inspect;

import dev.vm2ami.image.read.ByteRangeReader;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.TransientFailure;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.Optional;

/** {@link ImageObjects} on S3: HeadObject, GetObject of the manifest, ranged GETs of the image. */
public final class S3ImageObjects implements ImageObjects {
    private final S3Client s3;

    public S3ImageObjects(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public Optional<Head> head(ImportJob.SourceObject source) {
        try {
            HeadObjectResponse head = s3.headObject(r -> r.bucket(source.bucket()).key(source.key()).versionId(source.versionId()));
            return Optional.of(new Head(head.contentLength(), head.metadata()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw new TransientFailure("HeadObject of s3://" + source.bucket() + "/" + source.key() + " failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new TransientFailure("HeadObject of s3://" + source.bucket() + "/" + source.key() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> manifest(String bucket, String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw new TransientFailure("reading the sidecar manifest s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public ByteRangeReader reader(ImportJob.SourceObject source, long size) {
        return new S3RangeReader(s3, source.bucket(), source.key(), source.versionId(), size);
    }
}
