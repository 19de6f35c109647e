package dev.vm2ami.infra;

import dev.vm2ami.wiring.Intake;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.EventType;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.NotificationKeyFilter;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.notifications.SqsDestination;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

import java.util.List;
import java.util.Optional;

/**
 * The bucket users drop disk images into: private, TLS only, versioned, encrypted (S3-managed keys, or
 * the operator's KMS key), with optional server access logs, and a notification for every new image.
 */
final class ImportBucket extends Construct {
    private final Bucket bucket;
    private final String imagePrefix;

    ImportBucket(Construct scope, String id, String imagePrefix, Optional<IKey> key, boolean accessLogging) {
        super(scope, id);
        this.imagePrefix = imagePrefix;
        Bucket.Builder builder = Bucket.Builder.create(this, "Bucket")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .versioned(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                // Images are the users' data: the bucket outlives the stack.
                .removalPolicy(RemovalPolicy.RETAIN)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("tidy-uploads-and-old-versions")
                        .abortIncompleteMultipartUploadAfter(Duration.days(7))
                        .noncurrentVersionExpiration(Duration.days(30))
                        .expiredObjectDeleteMarker(true)
                        .build()));
        key.ifPresentOrElse(
                k -> builder.encryption(BucketEncryption.KMS).encryptionKey(k).bucketKeyEnabled(true),
                () -> builder.encryption(BucketEncryption.S3_MANAGED));
        if (accessLogging) builder.serverAccessLogsBucket(logBucket()).serverAccessLogsPrefix("import-bucket/");
        this.bucket = builder.build();
    }

    /** Access logs must go to a bucket with S3-managed encryption; they are kept for a year. */
    private Bucket logBucket() {
        return Bucket.Builder.create(this, "AccessLogs")
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .versioned(true)
                .encryption(BucketEncryption.S3_MANAGED)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .removalPolicy(RemovalPolicy.RETAIN)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("expire-access-logs")
                        .expiration(Duration.days(365))
                        .noncurrentVersionExpiration(Duration.days(7))
                        .build()))
                .build();
    }

    /** One ObjectCreated notification per image suffix (under the image prefix) to the intake queue. */
    void notifyOnImages(IQueue queue) {
        SqsDestination destination = new SqsDestination(queue);
        for (String suffix : Intake.notificationSuffixes()) {
            NotificationKeyFilter.Builder filter = NotificationKeyFilter.builder().suffix(suffix);
            if (!imagePrefix.isEmpty()) filter.prefix(imagePrefix);
            bucket.addEventNotification(EventType.OBJECT_CREATED, destination, filter.build());
        }
    }

    Bucket bucket() {
        return bucket;
    }

    /** The objects the pipeline may read: everything under the image prefix (sidecar manifests sit next to images). */
    String imageObjectsArn() {
        return bucket.arnForObjects(imagePrefix + "*");
    }
}
