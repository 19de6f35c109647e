package dev.vm2ami.distribute;

import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.PermissionDenied;
import dev.vm2ami.job.TransientFailure;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link SourceVersions} over S3: every call names the version, so no other version is touched. */
public final class S3SourceVersions implements SourceVersions {
    private final S3Client s3;

    public S3SourceVersions(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public void tag(ImportJob.SourceObject source, String key, String value) {
        String version = versionId(source);
        // PutObjectTagging replaces the whole tag set: keep the object's other tags.
        List<Tag> tags = new ArrayList<>(call("GetObjectTagging", source, () -> s3.getObjectTagging(r -> r.bucket(source.bucket())
                .key(source.key()).versionId(version)).tagSet()));
        tags.removeIf(t -> t.key().equals(key));
        tags.add(Tag.builder().key(key).value(value).build());
        call("PutObjectTagging", source, () -> s3.putObjectTagging(r -> r.bucket(source.bucket()).key(source.key())
                .versionId(version).tagging(t -> t.tagSet(tags))));
    }

    @Override
    public Optional<String> delete(ImportJob.SourceObject source) {
        String version = versionId(source);
        if (version == null) {
            // An unversioned bucket: the key may hold a newer upload by now; delete only the imported content.
            String etag = call("HeadObject", source, () -> s3.headObject(r -> r.bucket(source.bucket()).key(source.key())).eTag());
            if (etag == null || source.etag() == null || !etag.replace("\"", "").equals(source.etag().replace("\"", ""))) {
                return Optional.of("kept: s3://" + source.bucket() + "/" + source.key() + " now holds another object (ETag "
                        + etag + "), which vm2ami did not import");
            }
        }
        call("DeleteObject", source, () -> s3.deleteObject(r -> r.bucket(source.bucket()).key(source.key()).versionId(version)));
        return Optional.empty();
    }

    private static String versionId(ImportJob.SourceObject source) {
        String v = source.versionId();
        return v == null || v.isBlank() || "null".equals(v) ? null : v;
    }

    private static <T> T call(String what, ImportJob.SourceObject source, Supplier<T> call) {
        String where = "s3://" + source.bucket() + "/" + source.key();
        try {
            return call.get();
        } catch (AwsServiceException e) {
            if (e.isThrottlingException() || e.statusCode() >= 500) throw new TransientFailure(what + " of " + where + " failed: " + e.getMessage(), e);
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (PermissionDenied.isDenial(code, e.statusCode())) throw PermissionDenied.of("s3:" + what, where, e.getMessage(), e);
            throw new IllegalStateException(what + " of " + where + " was refused: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new TransientFailure(what + " of " + where + " failed: " + e.getMessage(), e);
        }
    }
}
