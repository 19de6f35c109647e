package dev.vm2ami.importtask;

import java.util.List;
import java.util.Map;

/** One import task as DescribeImportImageTasks shows it, without SDK types. */
public record ImportTaskView(String importTaskId, String status, String statusMessage, Integer progress,
                             String imageId, List<String> snapshotIds, Map<String, String> tags) {
    public ImportTaskView {
        snapshotIds = snapshotIds == null ? List.of() : List.copyOf(snapshotIds);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
