package dev.vm2ami.wiring;

import dev.vm2ami.image.container.DiskFormat;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * How S3 events of new images reach the start function: the bucket notifies the intake queue of the
 * object names below, the queue hands them over in batches and moves a message that keeps failing to
 * its dead-letter queue. The CDK stack and the local cloud deploy it from these values alike.
 */
public final class Intake {
    private Intake() {}

    /** A message the start function fails this many times goes to the dead-letter queue. */
    public static final int MAX_RECEIVE_COUNT = 5;
    /** AWS's advice for SQS event sources: a visibility timeout at least six times the function's timeout. */
    public static final int VISIBILITY_FACTOR = 6;
    /** S3 event messages per invocation of the start function. */
    public static final int BATCH_SIZE = 10;

    public static int visibilityTimeoutSeconds() {
        return VISIBILITY_FACTOR * PipelineFunction.START.timeoutSeconds();
    }

    /**
     * The suffix filters of the bucket's notifications: every image suffix ({@link DiskFormat#imageSuffixes()}),
     * in lower and in upper case, since S3's filters are case-sensitive.
     */
    public static List<String> notificationSuffixes() {
        return DiskFormat.imageSuffixes().stream().flatMap(s -> Stream.of(s, s.toUpperCase(Locale.ROOT))).toList();
    }
}
