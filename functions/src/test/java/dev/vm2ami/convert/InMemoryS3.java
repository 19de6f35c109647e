package dev.vm2ami.convert;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * Just enough of S3 for the converter's edge, in memory: objects, ranged GETs, multipart uploads
 * that check what S3 checks (part sizes, ETags, part numbers), and a record of what was asked.
 */
final class InMemoryS3 implements S3Client {
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    final Map<String, String> tagging = new ConcurrentHashMap<>();
    /** Tag sets put after the upload (PutObjectTagging), by bucket/key. */
    final Map<String, Map<String, String>> tagSets = new ConcurrentHashMap<>();
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Map<Integer, byte[]>> uploads = new ConcurrentHashMap<>();
    private final Map<String, String> uploadKeys = new ConcurrentHashMap<>();
    private final Map<String, String> uploadTags = new ConcurrentHashMap<>();
    /** Which part numbers fail to upload (a network failure). */
    IntPredicate failPart = n -> false;

    void put(String bucket, String key, byte[] data) {
        objects.put(bucket + "/" + key, data);
    }

    byte[] get(String bucket, String key) {
        return objects.get(bucket + "/" + key);
    }

    int openUploads() {
        return uploads.size();
    }

    @Override
    public HeadObjectResponse headObject(HeadObjectRequest r) {
        calls.add("HeadObject " + r.key());
        byte[] data = objects.get(r.bucket() + "/" + r.key());
        if (data == null) throw NoSuchKeyException.builder().statusCode(404).message("no such key " + r.key()).build();
        return HeadObjectResponse.builder().contentLength((long) data.length).build();
    }

    @Override
    public <T> T getObject(GetObjectRequest r, ResponseTransformer<GetObjectResponse, T> transformer) {
        byte[] data = objects.get(r.bucket() + "/" + r.key());
        if (data == null) throw NoSuchKeyException.builder().statusCode(404).message("no such key " + r.key()).build();
        String[] range = r.range().substring("bytes=".length()).split("-");
        int from = Integer.parseInt(range[0]);
        int to = Math.min(data.length - 1, Integer.parseInt(range[1]));
        calls.add("GetObject " + r.key() + " " + from + "-" + to);
        try {
            return transformer.transform(GetObjectResponse.builder().contentLength((long) (to - from + 1)).build(),
                    AbortableInputStream.create(new ByteArrayInputStream(data, from, to - from + 1)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public CreateMultipartUploadResponse createMultipartUpload(CreateMultipartUploadRequest r) {
        String id = "upload-" + (uploads.size() + 1);
        uploads.put(id, new ConcurrentHashMap<>());
        uploadKeys.put(id, r.bucket() + "/" + r.key());
        if (r.tagging() != null) uploadTags.put(id, r.tagging());
        calls.add("CreateMultipartUpload " + r.key());
        return CreateMultipartUploadResponse.builder().uploadId(id).build();
    }

    @Override
    public UploadPartResponse uploadPart(UploadPartRequest r, RequestBody body) {
        calls.add("UploadPart " + r.partNumber());
        if (failPart.test(r.partNumber())) throw AwsServiceException.builder().message("connection reset").statusCode(500).build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var in = body.contentStreamProvider().newStream()) {
            in.transferTo(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.size() != r.contentLength()) throw new IllegalStateException("part " + r.partNumber() + " is not its content length");
        uploads.get(r.uploadId()).put(r.partNumber(), bytes.toByteArray());
        return UploadPartResponse.builder().eTag("etag-" + r.partNumber()).build();
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(CompleteMultipartUploadRequest r) {
        calls.add("CompleteMultipartUpload " + r.key());
        Map<Integer, byte[]> parts = new TreeMap<>(uploads.remove(r.uploadId()));
        List<CompletedPart> listed = r.multipartUpload().parts();
        int previous = 0;
        ByteArrayOutputStream object = new ByteArrayOutputStream();
        for (int i = 0; i < listed.size(); i++) {
            CompletedPart p = listed.get(i);
            if (p.partNumber() <= previous) throw new IllegalStateException("parts must be listed in ascending order");
            if (!("etag-" + p.partNumber()).equals(p.eTag())) throw new IllegalStateException("wrong ETag for part " + p.partNumber());
            byte[] data = parts.get(p.partNumber());
            if (i < listed.size() - 1 && data.length < 5 << 20) throw new IllegalStateException("EntityTooSmall: part " + p.partNumber());
            object.writeBytes(data);
            previous = p.partNumber();
        }
        String key = uploadKeys.remove(r.uploadId());
        objects.put(key, object.toByteArray());
        String tags = uploadTags.remove(r.uploadId());
        if (tags != null) tagging.put(key, tags);
        return CompleteMultipartUploadResponse.builder().build();
    }

    @Override
    public software.amazon.awssdk.services.s3.model.PutObjectTaggingResponse putObjectTagging(
            software.amazon.awssdk.services.s3.model.PutObjectTaggingRequest r) {
        calls.add("PutObjectTagging " + r.key());
        String key = r.bucket() + "/" + r.key();
        if (!objects.containsKey(key)) throw NoSuchKeyException.builder().statusCode(404).message("no such key " + r.key()).build();
        if (r.tagging().tagSet().size() > 10) throw new IllegalStateException("BadRequest: more than 10 tags");
        Map<String, String> set = new TreeMap<>();
        r.tagging().tagSet().forEach(t -> set.put(t.key(), t.value()));
        tagSets.put(key, set);
        return software.amazon.awssdk.services.s3.model.PutObjectTaggingResponse.builder().build();
    }

    @Override
    public AbortMultipartUploadResponse abortMultipartUpload(AbortMultipartUploadRequest r) {
        calls.add("AbortMultipartUpload " + r.key());
        uploads.remove(r.uploadId());
        uploadKeys.remove(r.uploadId());
        return AbortMultipartUploadResponse.builder().build();
    }

    @Override
    public String serviceName() {
        return "s3";
    }

    @Override
    public void close() {}

}
