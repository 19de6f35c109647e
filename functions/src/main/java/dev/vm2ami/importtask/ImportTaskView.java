package dev.vm2ami.importtask;

import java.util.List;

/** One import task as DescribeImportImageTasks shows it, without SDK types. */
public record ImportTaskView(String importTaskId, String status, String statusMessage, Integer progress,
                             String imageId, List<String> snapshotIds) {
    public ImportTaskView {
        snapshotIds = snapshotIds == null ? List.of() : List.copyOf(snapshotIds);
    }
}
