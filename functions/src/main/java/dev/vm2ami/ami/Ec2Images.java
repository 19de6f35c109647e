package dev.vm2ami.ami;

import dev.vm2ami.job.PermissionDenied;
import dev.vm2ami.job.TransientFailure;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.CopyImageRequest;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link Images} over the EC2 API. */
public final class Ec2Images implements Images {
    private final Ec2Client ec2;

    public Ec2Images(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    @Override
    public Optional<ImageView> describe(String imageId) {
        try {
            List<Image> images = ec2.describeImages(r -> r.imageIds(imageId)).images();
            return images.stream().findFirst().map(i -> new ImageView(i.imageId(), i.stateAsString(), i.name(),
                    i.blockDeviceMappings().stream().map(BlockDeviceMapping::ebs).filter(Objects::nonNull)
                            .map(e -> e.snapshotId()).filter(Objects::nonNull).toList()));
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() != null && e.awsErrorDetails().errorCode().startsWith("InvalidAMIID")) return Optional.empty();
            throw transientOrNot("DescribeImages " + imageId, e);
        } catch (SdkException e) {
            throw new TransientFailure("DescribeImages " + imageId + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String copy(String sourceImageId, String name, String description, String kmsKeyId, String clientToken) {
        CopyImageRequest.Builder request = CopyImageRequest.builder().sourceImageId(sourceImageId)
                .sourceRegion(region()).name(name).description(description).clientToken(clientToken);
        if (kmsKeyId != null && !kmsKeyId.isEmpty()) request.encrypted(true).kmsKeyId(kmsKeyId);
        try {
            return ec2.copyImage(request.build()).imageId();
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() != null && "InvalidAMIName.Duplicate".equals(e.awsErrorDetails().errorCode())) {
                throw new Images.DuplicateNameException(name, e);
            }
            throw transientOrNot("CopyImage " + sourceImageId, e);
        }
    }

    @Override
    public String register(Images.Registration r) {
        software.amazon.awssdk.services.ec2.model.RegisterImageRequest.Builder request =
                software.amazon.awssdk.services.ec2.model.RegisterImageRequest.builder()
                        .name(r.name()).description(r.description()).architecture(r.architecture())
                        .virtualizationType("hvm").rootDeviceName(r.rootDeviceName()).enaSupport(true).sriovNetSupport("simple")
                        .blockDeviceMappings(BlockDeviceMapping.builder().deviceName(r.rootDeviceName())
                                .ebs(e -> e.snapshotId(r.snapshotId()).deleteOnTermination(true).volumeType("gp3")).build())
                        .tagSpecifications(software.amazon.awssdk.services.ec2.model.TagSpecification.builder()
                                .resourceType(software.amazon.awssdk.services.ec2.model.ResourceType.IMAGE)
                                .tags(r.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())
                                .build());
        if (r.bootMode() != null) request.bootMode(r.bootMode());
        if (r.imdsSupport() != null) request.imdsSupport(r.imdsSupport());
        if (r.tpmSupport() != null) request.tpmSupport(r.tpmSupport());
        try {
            return ec2.registerImage(request.build()).imageId();
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() != null && "InvalidAMIName.Duplicate".equals(e.awsErrorDetails().errorCode())) {
                throw new Images.DuplicateNameException(r.name(), e);
            }
            throw transientOrNot("RegisterImage " + r.snapshotId(), e);
        } catch (SdkException e) {
            throw new TransientFailure("RegisterImage " + r.snapshotId() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<ImageView> findByName(String name) {
        List<Image> images = call("DescribeImages", () -> ec2.describeImages(r -> r.owners("self")
                .filters(f -> f.name("name").values(name)))).images();
        return images.stream().findFirst().map(i -> new ImageView(i.imageId(), i.stateAsString(), i.name(),
                i.blockDeviceMappings().stream().map(BlockDeviceMapping::ebs).filter(Objects::nonNull)
                        .map(e -> e.snapshotId()).filter(Objects::nonNull).toList()));
    }

    @Override
    public void tag(List<String> resourceIds, Map<String, String> tags) {
        call("CreateTags", () -> ec2.createTags(r -> r.resources(resourceIds)
                .tags(tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())));
    }

    @Override
    public void deregister(String imageId) {
        call("DeregisterImage " + imageId, () -> ec2.deregisterImage(r -> r.imageId(imageId)));
    }

    @Override
    public void deleteSnapshot(String snapshotId) {
        try {
            ec2.deleteSnapshot(r -> r.snapshotId(snapshotId));
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() != null && "InvalidSnapshot.NotFound".equals(e.awsErrorDetails().errorCode())) return;
            throw transientOrNot("DeleteSnapshot " + snapshotId, e);
        }
    }

    @Override
    public String region() {
        return ec2.serviceClientConfiguration().region().id();
    }

    private static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (AwsServiceException e) {
            throw transientOrNot(what, e);
        } catch (SdkException e) {
            throw new TransientFailure(what + " failed: " + e.getMessage(), e);
        }
    }

    private static RuntimeException transientOrNot(String what, AwsServiceException e) {
        if (e.isThrottlingException() || e.statusCode() >= 500) return new TransientFailure(what + " failed: " + e.getMessage(), e);
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        if (PermissionDenied.isDenial(code, e.statusCode())) {
            return PermissionDenied.of("ec2:" + what.split(" ")[0], null, e.getMessage(), e);
        }
        return new IllegalStateException(what + " was refused: " + e.getMessage(), e);
    }
}
