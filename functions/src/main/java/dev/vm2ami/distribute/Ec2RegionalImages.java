package dev.vm2ami.distribute;

import dev.vm2ami.config.DistributionOptions;
import dev.vm2ami.job.PermissionDenied;
import dev.vm2ami.job.TransientFailure;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.CopyImageRequest;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.LaunchPermission;
import software.amazon.awssdk.services.ec2.model.OperationType;
import software.amazon.awssdk.services.ec2.model.SnapshotAttributeName;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link RegionalImages} over the EC2 API of one region. */
public final class Ec2RegionalImages implements RegionalImages {
    private final Ec2Client ec2;

    public Ec2RegionalImages(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    @Override
    public String region() {
        return ec2.serviceClientConfiguration().region().id();
    }

    @Override
    public Optional<AmiView> describe(String imageId) {
        try {
            List<Image> images = ec2.describeImages(r -> r.imageIds(imageId)).images();
            return images.stream().findFirst().map(i -> {
                Map<String, String> tags = new LinkedHashMap<>();
                i.tags().forEach(t -> tags.put(t.key(), t.value()));
                return new AmiView(i.imageId(), i.stateAsString(), i.stateReason() == null ? null : i.stateReason().message(),
                        i.blockDeviceMappings().stream().map(BlockDeviceMapping::ebs).filter(Objects::nonNull)
                                .map(e -> e.snapshotId()).filter(Objects::nonNull).toList(), tags);
            });
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() != null && e.awsErrorDetails().errorCode().startsWith("InvalidAMIID")) return Optional.empty();
            throw failure("DescribeImages " + imageId, e);
        } catch (SdkException e) {
            throw new TransientFailure("DescribeImages " + imageId + " in " + region() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String copyFrom(String sourceRegion, String sourceImageId, String name, String description, String kmsKeyId,
                           String clientToken) {
        CopyImageRequest.Builder request = CopyImageRequest.builder().sourceImageId(sourceImageId).sourceRegion(sourceRegion)
                .name(name).description(description).clientToken(clientToken);
        if (kmsKeyId != null && !kmsKeyId.isEmpty()) request.encrypted(true).kmsKeyId(kmsKeyId);
        return call("CopyImage " + sourceImageId, () -> ec2.copyImage(request.build()).imageId());
    }

    @Override
    public void tag(List<String> resourceIds, Map<String, String> tags) {
        call("CreateTags", () -> ec2.createTags(r -> r.resources(resourceIds)
                .tags(tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())));
    }

    @Override
    public void share(String imageId, DistributionOptions.ShareWith with) {
        List<LaunchPermission> add = new ArrayList<>();
        with.accounts().forEach(a -> add.add(LaunchPermission.builder().userId(a).build()));
        with.organizationArns().forEach(a -> add.add(LaunchPermission.builder().organizationArn(a).build()));
        with.organizationalUnitArns().forEach(a -> add.add(LaunchPermission.builder().organizationalUnitArn(a).build()));
        call("ModifyImageAttribute " + imageId, () -> ec2.modifyImageAttribute(r -> r.imageId(imageId)
                .launchPermission(p -> p.add(add))));
    }

    @Override
    public void shareSnapshot(String snapshotId, List<String> accounts) {
        call("ModifySnapshotAttribute " + snapshotId, () -> ec2.modifySnapshotAttribute(r -> r.snapshotId(snapshotId)
                .attribute(SnapshotAttributeName.CREATE_VOLUME_PERMISSION).operationType(OperationType.ADD).userIds(accounts)));
    }

    @Override
    public void deprecate(String imageId, Instant at) {
        call("EnableImageDeprecation " + imageId, () -> ec2.enableImageDeprecation(r -> r.imageId(imageId).deprecateAt(at)));
    }

    @Override
    public void requireImdsV2(String imageId) {
        call("ModifyImageAttribute " + imageId, () -> ec2.modifyImageAttribute(r -> r.imageId(imageId)
                .imdsSupport(v -> v.value("v2.0"))));
    }

    private <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (AwsServiceException e) {
            throw failure(what, e);
        } catch (SdkException e) {
            throw new TransientFailure(what + " in " + region() + " failed: " + e.getMessage(), e);
        }
    }

    /** Throttling and 5xx are transient; a denial names the action; anything else EC2 refused for good. */
    private RuntimeException failure(String what, AwsServiceException e) {
        if (e.isThrottlingException() || e.statusCode() >= 500) {
            return new TransientFailure(what + " in " + region() + " failed: " + e.getMessage(), e);
        }
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        if (PermissionDenied.isDenial(code, e.statusCode())) {
            return PermissionDenied.of("ec2:" + what.split(" ")[0], null, e.getMessage(), e);
        }
        return new CopyRefused(what + " in " + region() + " was refused: " + ec2Words(e), e);
    }

    /** EC2's code and message; a bare 401 (no parsable body) is the AuthFailure of a region the account cannot use. */
    static String ec2Words(AwsServiceException e) {
        var details = e.awsErrorDetails();
        String code = details == null ? null : details.errorCode();
        String message = details == null ? null : details.errorMessage();
        if (code != null && !code.isEmpty()) return code + ": " + (message == null ? e.getMessage() : message);
        if (e.statusCode() == 401) {
            return "AuthFailure (HTTP 401): AWS did not accept the credentials in this region; is it an opt-in region the account has not enabled?";
        }
        return e.getMessage();
    }
}
