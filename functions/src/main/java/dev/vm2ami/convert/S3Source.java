package dev.vm2ami.convert;

import dev.vm2ami.image.read.ByteSource;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/**
 * An S3 object version read by ranged GETs straight into the caller's buffer (wrap it in
 * {@link dev.vm2ami.image.convert.ReadAhead}: every read is a request). A body cut off mid-way is
 * fetched again from where it stopped, a few times, before the read fails.
 */
public final class S3Source implements ByteSource {
    private static final int ATTEMPTS = 3;
    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String versionId;
    private final long size;
    private final LongAdder read = new LongAdder();
    private final LongAdder requests = new LongAdder();

    /** @param versionId the version to read, or null for the current one */
    public S3Source(S3Client s3, String bucket, String key, String versionId, long size) {
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
    public int read(long pos, byte[] b, int off, int len) throws IOException {
        if (pos < 0 || len < 0) throw new IllegalArgumentException("negative range " + pos + "+" + len);
        if (pos >= size || len == 0) return 0;
        int n = (int) Math.min(len, size - pos);
        int done = 0;
        Exception last = null;
        for (int attempt = 0; attempt < ATTEMPTS && done < n; attempt++) {
            long from = pos + done;
            long to = pos + n - 1;
            try (ResponseInputStream<GetObjectResponse> body = s3.getObject(r -> r.bucket(bucket).key(key).versionId(versionId)
                    .range("bytes=" + from + "-" + to))) {
                requests.increment();
                while (done < n) {
                    int k = body.read(b, off + done, n - done);
                    if (k < 0) break;
                    done += k;
                    read.add(k);
                }
            } catch (IOException | SdkException e) {
                last = e; // what arrived is kept; the next attempt asks for the rest
            }
        }
        if (done < n) {
            throw new IOException("ranged GET of s3://" + bucket + "/" + key + " bytes " + pos + "-" + (pos + n - 1) + " returned "
                    + done + " of " + n + " bytes" + (last == null ? "" : ": " + last.getMessage()), last);
        }
        return n;
    }

    @Override
    public long bytesRead() {
        return read.sum();
    }

    /** GET requests made. */
    public long requests() {
        return requests.sum();
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
