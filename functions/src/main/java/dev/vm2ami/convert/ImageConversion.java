package dev.vm2ami.convert;

import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.convert.ByteSink;
import dev.vm2ami.image.convert.Conversion;
import dev.vm2ami.image.convert.Converter;
import dev.vm2ami.image.convert.FileSink;
import dev.vm2ami.image.convert.ImageOpener;
import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.read.ByteSource;
import dev.vm2ami.image.read.ReadAhead;
import dev.vm2ami.config.Clients;
import dev.vm2ami.importtask.ImportSubmitter;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One conversion from an S3 object (or a local file) to an S3 object (or a local file): the edge
 * around {@link Converter}. Reads by ranged GETs behind a read-ahead, writes by multipart upload
 * tagged with where the image came from. The same code runs from {@link ConvertMain} on the
 * command line, in a container (the batch engine) and, later, in Lambda.
 */
public final class ImageConversion {
    public static final String TAG_CONVERTED_FROM = "vm2ami:converted-from";
    public static final String TAG_SOURCE_VERSION = "vm2ami:source-version";
    /** Put on the converted object once it is complete: what the state machine reads after a batch job (its output stays in the container). */
    public static final String TAG_BYTES_READ = "vm2ami:conversion-bytes-read";
    public static final String TAG_SECONDS = "vm2ami:conversion-seconds";

    private final S3Client s3;
    private final Converter converter = new Converter();

    /** Builds the standard S3 client lazily: a local-only conversion needs none. */
    public ImageConversion() {
        this(null);
    }

    public ImageConversion(S3Client s3) {
        this.s3 = s3;
    }

    /**
     * @param from          the image (for a split VMDK: its descriptor, the extents beside it)
     * @param to            where the converted image goes
     * @param sourceVersion the S3 version of {@code from} to read, or null for the current one
     */
    public record Request(Location from, Location to, String sourceVersion, Converter.Options options) {}

    /** What happened, as the JSON result and the notification's {@code conversion} say it. */
    public record Result(String from, String to, String format, String source, String bucket, String key,
                         long virtualSize, long bytesRead, long bytesWritten, double seconds) {
        static Result of(Conversion c, Request r) {
            return new Result(c.from(), c.to(), r.options().target().extension(), r.from().toString(),
                    r.to().bucket().orElse(null), r.to().key(), c.virtualSize(), c.bytesRead(), c.bytesWritten(),
                    Math.round(c.seconds() * 1000) / 1000.0);
        }
    }

    public Result convert(Request request) throws IOException, ConversionException {
        try (ByteSource source = open(request.from(), request.sourceVersion());
             ImageOpener.Opened image = ImageOpener.open(source, extents(request.from()), request.options().open())) {
            Map<String, String> tags = provenance(request, image);
            ByteSink sink = sink(request, image, tags);
            Conversion c = converter.convert(image, sink, request.to().name(), request.options());
            Result result = Result.of(c, request);
            if (request.to().isS3()) recordResult(request.to(), tags, result);
            return result;
        }
    }

    /** The figures of the conversion join the provenance tags of the converted object (S3 allows 10 tags: these are 6). */
    private void recordResult(Location to, Map<String, String> provenance, Result result) throws IOException {
        Map<String, String> tags = new LinkedHashMap<>(provenance);
        tags.put(TAG_BYTES_READ, Long.toString(result.bytesRead()));
        tags.put(TAG_SECONDS, Double.toString(result.seconds()));
        try {
            s3().putObjectTagging(r -> r.bucket(to.bucket().get()).key(to.key())
                    .tagging(t -> t.tagSet(tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(
                            S3MultipartSink.tagValue(e.getValue())).build()).toList())));
        } catch (S3Exception e) {
            throw new IOException("tagging " + to + " with the conversion's figures failed: " + e.getMessage(), e);
        }
    }

    /** Where the converted image came from: tags of the converted object. */
    private static Map<String, String> provenance(Request request, ImageOpener.Opened image) {
        Map<String, String> tags = new LinkedHashMap<>();
        request.from().bucket().ifPresent(b -> tags.put(ImportSubmitter.TAG_SOURCE_BUCKET, b));
        tags.put(ImportSubmitter.TAG_SOURCE_KEY, request.from().key());
        if (request.sourceVersion() != null) tags.put(TAG_SOURCE_VERSION, request.sourceVersion());
        tags.put(TAG_CONVERTED_FROM, image.from());
        return tags;
    }

    private ByteSource open(Location at, String version) throws IOException, ConversionException {
        if (!at.isS3()) return ByteSource.of(at.path());
        Optional<HeadObjectResponse> head = head(at, version);
        if (head.isEmpty()) throw new IOException("s3://" + at.bucket().get() + "/" + at.key() + " does not exist");
        return ReadAhead.forObjectStore(new S3Source(s3(), at.bucket().get(), at.key(), version, head.get().contentLength()));
    }

    /** The extents a descriptor names: files beside it, or objects under the same prefix. */
    private ExtentFiles extents(Location from) {
        if (!from.isS3()) return ExtentFiles.beside(from.path().toAbsolutePath().getParent());
        return name -> {
            Location extent = from.sibling(name);
            Optional<HeadObjectResponse> head = head(extent, null);
            return head.map(h -> ReadAhead.forObjectStore(new S3Source(s3(), extent.bucket().get(), extent.key(), null, h.contentLength())));
        };
    }

    private Optional<HeadObjectResponse> head(Location at, String version) throws IOException {
        try {
            return Optional.of(s3().headObject(r -> r.bucket(at.bucket().get()).key(at.key()).versionId(version)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return Optional.empty();
            throw new IOException("HeadObject of " + at + " failed: " + e.getMessage(), e);
        }
    }

    private ByteSink sink(Request request, ImageOpener.Opened image, Map<String, String> tags) throws IOException {
        Location to = request.to();
        if (!to.isS3()) return new FileSink(to.path());
        return new S3MultipartSink(s3(), to.bucket().get(), to.key(), tags, S3MultipartSink.partSizeFor(outputBound(image)));
    }

    /**
     * The most the output can be: the virtual disk plus 1% (grain markers and sector padding of
     * incompressible grains add 0.8%). A compressed raw image's size is known only at its end: its
     * parts are 32 MiB, enough for 312 GiB.
     */
    static long outputBound(ImageOpener.Opened image) {
        long size = image.virtualSize();
        return size >= 0 ? size + size / 100 + (1 << 20) : (long) S3MultipartSink.MAX_PARTS * (32L << 20);
    }

    private S3Client s3() {
        return s3 != null ? s3 : Holder.S3;
    }

    private static final class Holder {
        static final S3Client S3 = Clients.sync(S3Client.builder());
    }
}
