package dev.vm2ami.inspect;

import dev.vm2ami.image.read.ByteRangeReader;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;

/** Reads an S3 object version by ranged GETs, never the whole object. */
public final class S3RangeReader implements ByteRangeReader {
    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String versionId;
    private final long size;
    private long bytesRead;
    private int requests;

    /** @param versionId the version to read, or null for the current one */
    public S3RangeReader(S3Client s3, String bucket, String key, String versionId, long size) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.versionId = versionId;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] read(long offset, int length) throws IOException {
        if (offset < 0 || length < 0) throw new IllegalArgumentException("negative range " + offset + "+" + length);
        if (offset >= size || length == 0) return new byte[0];
        long last = Math.min(size, offset + length) - 1;
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)
                    .versionId(versionId).range("bytes=" + offset + "-" + last));
            requests++;
            byte[] data = bytes.asByteArray();
            bytesRead += data.length;
            return data;
        } catch (SdkException e) {
            throw new IOException("ranged GET of s3://" + bucket + "/" + key + " bytes " + offset + "-" + last + " failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public int rangeRequests() {
        return requests;
    }
}
