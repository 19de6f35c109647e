package dev.vm2ami.importtask;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeImportImageTasksResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ImageDiskContainer;
import software.amazon.awssdk.services.ec2.model.ImportImageRequest;
import software.amazon.awssdk.services.ec2.model.ImportImageTask;
import software.amazon.awssdk.services.ec2.model.DescribeImportSnapshotTasksResponse;
import software.amazon.awssdk.services.ec2.model.ImportSnapshotRequest;
import software.amazon.awssdk.services.ec2.model.ImportSnapshotTask;
import software.amazon.awssdk.services.ec2.model.SnapshotDiskContainer;
import software.amazon.awssdk.services.ec2.model.SnapshotTaskDetail;
import dev.vm2ami.image.verdict.ImportPath;
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
    public String startSnapshotImport(ImportRequest r) {
        ImportSnapshotRequest.Builder request = ImportSnapshotRequest.builder()
                .diskContainer(SnapshotDiskContainer.builder().format(r.format()).description(r.description())
                        .userBucket(b -> b.s3Bucket(r.bucket()).s3Key(r.key())).build())
                .roleName(r.roleName())
                .description(r.description())
                .clientToken(r.clientToken())
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.IMPORT_SNAPSHOT_TASK)
                        .tags(r.taskTags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())
                        .build());
        if (!r.kmsKeyId().isEmpty()) request.encrypted(true).kmsKeyId(r.kmsKeyId());
        return call(() -> ec2.importSnapshot(request.build()).importTaskId());
    }

    @Override
    public Optional<ImportTaskView> describe(String importTaskId) {
        if (ImportPath.ofTaskId(importTaskId) == ImportPath.SNAPSHOT) return describeSnapshot(importTaskId);
        try {
            DescribeImportImageTasksResponse response = call(() -> ec2.describeImportImageTasks(d -> d.importTaskIds(importTaskId)));
            return response.importImageTasks().stream().findFirst().map(Ec2ImportService::view);
        } catch (ImportApiException e) {
            if (e.code().startsWith("InvalidConversionTaskId")) return Optional.empty();
            throw e;
        }
    }

    private Optional<ImportTaskView> describeSnapshot(String importTaskId) {
        try {
            DescribeImportSnapshotTasksResponse response = call(() -> ec2.describeImportSnapshotTasks(d -> d.importTaskIds(importTaskId)));
            return response.importSnapshotTasks().stream().findFirst().map(Ec2ImportService::view);
        } catch (ImportApiException e) {
            if (e.code().startsWith("InvalidConversionTaskId")) return Optional.empty();
            throw e;
        }
    }

    @Override
    public List<ImportTaskView> active() {
        List<ImportTaskView> active = new ArrayList<>();
        String snapshots = null;
        do {
            String page = snapshots;
            DescribeImportSnapshotTasksResponse response = call(() -> ec2.describeImportSnapshotTasks(d -> d.nextToken(page)
                    .filters(Filter.builder().name("task-state").values("active").build())));
            response.importSnapshotTasks().stream().map(Ec2ImportService::view).filter(t -> "active".equals(t.status()))
                    .forEach(active::add);
            snapshots = response.nextToken();
        } while (snapshots != null && !snapshots.isEmpty());
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

    /** A snapshot task's status lives in its SnapshotTaskDetail; the snapshot is its one result. */
    static ImportTaskView view(ImportSnapshotTask t) {
        SnapshotTaskDetail d = t.snapshotTaskDetail();
        Map<String, String> tags = new LinkedHashMap<>();
        t.tags().forEach(tag -> tags.put(tag.key(), tag.value()));
        if (d == null) return new ImportTaskView(t.importTaskId(), null, null, null, null, List.of(), tags);
        return new ImportTaskView(t.importTaskId(), d.status(), d.statusMessage(), progress(d.progress()), null,
                d.snapshotId() == null ? List.of() : List.of(d.snapshotId()), tags);
    }

    private static Integer progress(String text) {
        if (text == null || text.isBlank()) return null;
        try {
            return Integer.valueOf(text.trim());
        } catch (NumberFormatException ignored) {
            return null; // AWS always sends a number; anything else is treated as unknown progress
        }
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
