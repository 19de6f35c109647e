package dev.vm2ami.importtask;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeImportImageTasksResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ImageDiskContainer;
import software.amazon.awssdk.services.ec2.model.ImportImageRequest;
import software.amazon.awssdk.services.ec2.model.ImportImageTask;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SnapshotDetail;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link ImportService} over the EC2 API; SDK errors become {@link ImportApiException}s. */
public final class Ec2ImportService implements ImportService {
    private final Ec2Client ec2;

    public Ec2ImportService(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    @Override
    public String startImport(ImportRequest r) {
        ImageDiskContainer disk = ImageDiskContainer.builder()
                .format(r.format())
                .description(r.description())
                .userBucket(b -> b.s3Bucket(r.bucket()).s3Key(r.key()))
                .build();
        ImportImageRequest.Builder request = ImportImageRequest.builder()
                .diskContainers(disk)
                .roleName(r.roleName())
                .description(r.description())
                .clientToken(r.clientToken())
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.IMPORT_IMAGE_TASK)
                        .tags(r.taskTags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())
                        .build());
        if (!r.licenseType().isEmpty()) request.licenseType(r.licenseType());
        if (!r.bootMode().isEmpty()) request.bootMode(r.bootMode());
        if (!r.platform().isEmpty()) request.platform(r.platform());
        if (!r.architecture().isEmpty()) request.architecture(r.architecture());
        if (!r.usageOperation().isEmpty()) request.usageOperation(r.usageOperation());
        if (!r.kmsKeyId().isEmpty()) request.encrypted(true).kmsKeyId(r.kmsKeyId());
        return call(() -> ec2.importImage(request.build()).importTaskId());
    }

    @Override
    public Optional<ImportTaskView> describe(String importTaskId) {
        try {
            DescribeImportImageTasksResponse response = call(() -> ec2.describeImportImageTasks(d -> d.importTaskIds(importTaskId)));
            return response.importImageTasks().stream().findFirst().map(Ec2ImportService::view);
        } catch (ImportApiException e) {
            if (e.code().startsWith("InvalidConversionTaskId")) return Optional.empty();
            throw e;
        }
    }

    @Override
    public List<ImportTaskView> active() {
        List<ImportTaskView> active = new ArrayList<>();
        String token = null;
        do {
            String page = token;
            DescribeImportImageTasksResponse response = call(() -> ec2.describeImportImageTasks(d -> d.nextToken(page)
                    .filters(Filter.builder().name("task-state").values("active").build())));
            response.importImageTasks().forEach(t -> active.add(view(t)));
            token = response.nextToken();
        } while (token != null && !token.isEmpty());
        return active;
    }

    @Override
    public void cancel(String importTaskId, String reason) {
        call(() -> ec2.cancelImportTask(r -> r.importTaskId(importTaskId).cancelReason(reason)));
    }

    static ImportTaskView view(ImportImageTask t) {
        Integer progress = null;
        if (t.progress() != null && !t.progress().isBlank()) {
            try {
                progress = Integer.valueOf(t.progress().trim());
            } catch (NumberFormatException ignored) {
                // AWS always sends a number; anything else is treated as unknown progress
            }
        }
        Map<String, String> tags = new LinkedHashMap<>();
        t.tags().forEach(tag -> tags.put(tag.key(), tag.value()));
        return new ImportTaskView(t.importTaskId(), t.status(), t.statusMessage(), progress, t.imageId(),
                t.snapshotDetails().stream().map(SnapshotDetail::snapshotId).filter(Objects::nonNull).toList(), tags);
    }

    private static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? "Unknown" : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            throw new ImportApiException(code, message, e.statusCode(), e);
        } catch (SdkClientException e) {
            throw new ImportApiException("SdkClientException", e.getMessage(), 0, e);
        }
    }
}
