package dev.vm2ami.inspect;

import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.TransientFailure;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How S3's answers become what the inspect step sees: a head, "gone", "no manifest", or a failure to retry. */
class S3ImageObjectsTest {
    final ImportJob.SourceObject source = new ImportJob.SourceObject("vm2ami-images", "disks/app.raw", "v1", "etag", 1L, "seq", null);

    /** An S3 client whose HeadObject and GetObject give what the test says. */
    static S3Client s3(Supplier<HeadObjectResponse> head, Supplier<byte[]> get) {
        return s3(head, get, java.util.List.of());
    }

    /** ... and whose ListObjectsV2 lists {@code listed} (the keys the role may see under the prefix asked for). */
    static S3Client s3(Supplier<HeadObjectResponse> head, Supplier<byte[]> get, java.util.List<String> listed) {
        return new S3Client() {
            @Override
            public software.amazon.awssdk.services.s3.model.ListObjectsV2Response listObjectsV2(
                    software.amazon.awssdk.services.s3.model.ListObjectsV2Request request) {
                return software.amazon.awssdk.services.s3.model.ListObjectsV2Response.builder()
                        .contents(listed.stream().filter(k -> k.startsWith(request.prefix()))
                                .map(k -> software.amazon.awssdk.services.s3.model.S3Object.builder().key(k).build()).toList())
                        .build();
            }

            @Override
            public HeadObjectResponse headObject(HeadObjectRequest request) {
                return head.get();
            }

            @Override
            public ResponseBytes<GetObjectResponse> getObjectAsBytes(GetObjectRequest request) {
                return ResponseBytes.fromByteArray(GetObjectResponse.builder().build(), get.get());
            }

            @Override
            public String serviceName() {
                return "s3";
            }

            @Override
            public void close() {
            }
        };
    }

    static S3Exception s3Error(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status).message(code).build();
    }

    @Test
    void givesTheSizeAndMetadataOfTheObject() {
        S3ImageObjects objects = new S3ImageObjects(s3(
                () -> HeadObjectResponse.builder().contentLength(4096L).metadata(Map.of("vm2ami-team", "web")).build(), null));

        assertThat(objects.head(source)).contains(new ImageObjects.Head(4096, Map.of("vm2ami-team", "web")));
    }

    @Test
    void anObjectS3DoesNotFindIsGone() {
        assertThat(new S3ImageObjects(s3(() -> {
            throw NoSuchKeyException.builder().statusCode(404).build();
        }, null)).head(source)).isEmpty();
        assertThat(new S3ImageObjects(s3(() -> {
            throw s3Error(404, "NoSuchVersion");
        }, null)).head(source)).isEmpty();
    }

    @Test
    void anyOtherFailureOfHeadObjectIsTransient() {
        assertThatThrownBy(() -> new S3ImageObjects(s3(() -> {
            throw s3Error(503, "SlowDown");
        }, null)).head(source)).isInstanceOf(TransientFailure.class).hasMessageContaining("s3://vm2ami-images/disks/app.raw");
        assertThatThrownBy(() -> new S3ImageObjects(s3(() -> {
            throw SdkClientException.create("connection reset");
        }, null)).head(source)).isInstanceOf(TransientFailure.class).hasMessageContaining("connection reset");
    }

    @Test
    void readsTheManifestOrSaysThereIsNone() {
        S3ImageObjects present = new S3ImageObjects(s3(null, () -> "{\"team\": \"web\"}".getBytes(StandardCharsets.UTF_8)));
        S3ImageObjects absent = new S3ImageObjects(s3(null, () -> {
            throw NoSuchKeyException.builder().statusCode(404).build();
        }));
        // Without s3:ListBucket S3 answers 403 for a missing key: the listing of that key decides.
        S3ImageObjects forbiddenAndNotListed = new S3ImageObjects(s3(null, () -> {
            throw s3Error(403, "AccessDenied");
        }, java.util.List.of("disks/app.raw")));
        S3ImageObjects denied = new S3ImageObjects(s3(null, () -> {
            throw s3Error(403, "AccessDenied");
        }, java.util.List.of("disks/app.raw", "disks/app.raw.vm2ami.json")));
        S3ImageObjects unavailable = new S3ImageObjects(s3(null, () -> {
            throw s3Error(503, "SlowDown");
        }));

        assertThat(present.manifest("vm2ami-images", "disks/app.raw.vm2ami.json")).contains("{\"team\": \"web\"}");
        assertThat(absent.manifest("vm2ami-images", "disks/app.raw.vm2ami.json")).isEmpty();
        assertThat(forbiddenAndNotListed.manifest("vm2ami-images", "disks/app.raw.vm2ami.json")).isEmpty();
        assertThatThrownBy(() -> denied.manifest("vm2ami-images", "disks/app.raw.vm2ami.json"))
                .isInstanceOf(dev.vm2ami.job.PermissionDenied.class).hasMessageContaining("s3:GetObject");
        assertThatThrownBy(() -> unavailable.manifest("vm2ami-images", "disks/app.raw.vm2ami.json"))
                .isInstanceOf(TransientFailure.class).hasMessageContaining("sidecar manifest");
    }
}
