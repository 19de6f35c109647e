package dev.vm2ami.distribute;

import dev.vm2ami.config.DistributionOptions;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The EC2 image calls of distribution, in one region; {@link Ec2RegionalImages} is the real one. */
public interface RegionalImages {
    String region();

    /** An AMI as DescribeImages shows it (with its tags), or empty when EC2 does not know it. */
    Optional<AmiView> describe(String imageId);

    /**
     * CopyImage from another region (or this one) into this region, under the same name; encrypted with
     * {@code kmsKeyId} when it is not empty. The same {@code clientToken} answers the first copy.
     * Throws {@link CopyRefused} when EC2 refuses the copy for good.
     */
    String copyFrom(String sourceRegion, String sourceImageId, String name, String description, String kmsKeyId,
                    String clientToken);

    void tag(List<String> resourceIds, Map<String, String> tags);

    /** Launch permission for the accounts, organizations and OUs (ModifyImageAttribute, add). */
    void share(String imageId, DistributionOptions.ShareWith with);

    /** createVolumePermission for the accounts (ModifySnapshotAttribute, add). */
    void shareSnapshot(String snapshotId, List<String> accounts);

    void deprecate(String imageId, Instant at);

    /** ModifyImageAttribute ImdsSupport=v2.0 (EC2 does not let it be undone). */
    void requireImdsV2(String imageId);

    /** An AMI without SDK types. */
    record AmiView(String imageId, String state, String stateReason, List<String> snapshotIds, Map<String, String> tags) {
        public AmiView {
            snapshotIds = List.copyOf(snapshotIds);
            tags = Map.copyOf(tags);
        }
    }

    /** EC2 refused the request for a reason retrying does not change (the message is EC2's). */
    final class CopyRefused extends RuntimeException {
        public CopyRefused(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
