package dev.vm2ami.convert;

import dev.vm2ami.image.convert.ByteSink;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * A converted image uploaded to S3 as it is written: a multipart upload whose parts go up in order
 * from a background thread while the next part fills. Part 1 is kept until the end, so the header
 * in it can still be corrected, and uploaded last (S3 assembles parts by number). Memory is at
 * most three parts: the first, the one filling, the one uploading. Any failure aborts the upload,
 * so no partial object and no stray parts are left.
 */
public final class S3MultipartSink implements ByteSink {
    /** S3's smallest part (but the last) and most parts. */
    public static final int MIN_PART = 5 << 20;
    public static final int MAX_PARTS = 10_000;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final Map<String, String> tags;
    private final int partSize;
    private final ExecutorService uploader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "s3-part-upload");
        t.setDaemon(true);
        return t;
    });
    private final List<CompletedPart> parts = new ArrayList<>();
    private String uploadId;
    private byte[] first;
    private byte[] current;
    private byte[] spare;
    private int filled;
    private int partNumber = 1;
    private long position;
    private Future<byte[]> inFlight;
    private boolean done;

    /**
     * @param tags     object tags (provenance): values are cut to S3's 256 characters and characters S3
     *                 refuses in tags are replaced
     * @param partSize bytes per part, at least {@link #MIN_PART}; see {@link #partSizeFor}
     */
    public S3MultipartSink(S3Client s3, String bucket, String key, Map<String, String> tags, int partSize) {
        if (partSize < MIN_PART) throw new IllegalArgumentException("parts must be at least 5 MiB, not " + partSize);
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.tags = Map.copyOf(tags);
        this.partSize = partSize;
        this.current = new byte[partSize];
    }

    /** The part size for an output of at most {@code bound} bytes: 8 MiB, or more (whole MiB) so it fits 10,000 parts. */
    public static int partSizeFor(long bound) {
        long perPart = (bound + MAX_PARTS - 1) / MAX_PARTS;
        long mib = Math.max(8, (perPart + (1 << 20) - 1) >> 20);
        return (int) Math.min(mib << 20, 1L << 30);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, partSize - filled);
            System.arraycopy(b, off, current, filled, n);
            filled += n;
            off += n;
            len -= n;
            position += n;
            if (filled == partSize) partFull();
        }
    }

    private void partFull() throws IOException {
        if (partNumber == 1) {
            first = current;
        } else {
            byte[] uploaded = awaitInFlight();
            byte[] part = current;
            int number = partNumber;
            if (number > MAX_PARTS) throw new IOException("the converted image needs more than " + MAX_PARTS + " parts of " + partSize + " bytes");
            inFlight = uploader.submit(() -> {
                upload(number, part, partSize);
                return part;
            });
            spare = uploaded != null ? uploaded : spare;
        }
        partNumber++;
        current = spare != null ? spare : new byte[partSize];
        spare = null;
        filled = 0;
    }

    private byte[] awaitInFlight() throws IOException {
        if (inFlight == null) return null;
        try {
            return inFlight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while uploading s3://" + bucket + "/" + key, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
        } finally {
            inFlight = null;
        }
    }

    private void upload(int number, byte[] data, int length) throws IOException {
        try {
            String id = uploadId();
            String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(id).partNumber(number).contentLength((long) length),
                    RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream")).eTag();
            synchronized (parts) {
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
        } catch (SdkException e) {
            throw new IOException("uploading part " + number + " of s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }

    private synchronized String uploadId() {
        if (uploadId == null) {
            uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key).contentType("application/octet-stream")
                    .tagging(tagging(tags))).uploadId();
        }
        return uploadId;
    }

    /** The x-amz-tagging value: URL-encoded, values cut to 256 characters of those S3 takes in tags. */
    static String tagging(Map<String, String> tags) {
        return tags.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> encode(clean(e.getKey(), 128)) + "=" + encode(clean(e.getValue(), 256)))
                .collect(Collectors.joining("&"));
    }

    /** A tag value as S3 takes it: characters it refuses replaced, cut to 256. */
    static String tagValue(String s) {
        return clean(s, 256);
    }

    private static String clean(String s, int max) {
        String kept = s.replaceAll("[^\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]", "_");
        return kept.length() <= max ? kept : kept.substring(0, max);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void patch(long pos, byte[] b) {
        if (pos < 0 || pos + b.length > Math.min(position, PATCHABLE_HEAD)) {
            throw new IllegalArgumentException("cannot patch " + b.length + " bytes at " + pos + " of " + position + " written");
        }
        System.arraycopy(b, 0, first != null ? first : current, (int) pos, b.length);
    }

    @Override
    public void finish() throws IOException {
        try {
            awaitInFlight();
            if (first == null) {
                upload(1, current, filled); // the whole object is one part
            } else {
                if (filled > 0) upload(partNumber, current, filled);
                upload(1, first, partSize);
            }
            List<CompletedPart> sorted;
            synchronized (parts) {
                sorted = parts.stream().sorted(Comparator.comparing(CompletedPart::partNumber)).toList();
            }
            String id = uploadId();
            s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(id).multipartUpload(u -> u.parts(sorted)));
            done = true;
        } catch (SdkException e) {
            throw new IOException("completing the upload of s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        } finally {
            uploader.shutdown();
            first = null;
            current = null;
            spare = null;
        }
    }

    @Override
    public void abort() {
        if (inFlight != null) inFlight.cancel(true);
        uploader.shutdownNow();
        if (!done && uploadId != null) {
            try {
                s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
            } catch (SdkException e) {
                // A lifecycle rule (AbortIncompleteMultipartUpload) removes what an abort could not.
            }
        }
        first = null;
        current = null;
        spare = null;
    }
}
