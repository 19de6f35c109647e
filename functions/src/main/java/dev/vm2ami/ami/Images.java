package dev.vm2ami.ami;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The EC2 image calls the finish step makes; {@link Ec2Images} is the real one. */
public interface Images {
    Optional<ImageView> describe(String imageId);

    /**
     * CopyImage in this Region; throws {@link DuplicateNameException} when the name is taken. The same
     * {@code clientToken} answers the AMI the first request made (EC2's idempotency), so a retried step
     * does not copy twice.
     */
    String copy(String sourceImageId, String name, String description, String kmsKeyId, String clientToken);

    /**
     * RegisterImage: an EBS-backed hvm AMI from one snapshot, ENA and SR-IOV on, tagged as it is created; throws
     * {@link DuplicateNameException} when the name is taken.
     */
    String register(Registration registration);

    /** This account's AMI of that name in this Region, if any. */
    Optional<ImageView> findByName(String name);

    /**
     * @param bootMode    legacy-bios or uefi (null: EC2's default for the architecture)
     * @param imdsSupport v2.0 or null
     * @param tpmSupport  v2.0 or null
     */
    record Registration(String name, String description, String architecture, String bootMode, String rootDeviceName,
                        String snapshotId, String imdsSupport, String tpmSupport, Map<String, String> tags) {}

    void tag(List<String> resourceIds, Map<String, String> tags);

    void deregister(String imageId);

    void deleteSnapshot(String snapshotId);

    String region();

    final class DuplicateNameException extends RuntimeException {
        public DuplicateNameException(String name, Throwable cause) {
            super("an AMI named '" + name + "' already exists", cause);
        }
    }
}
