package dev.vm2ami.importtask;

import java.util.List;
import java.util.Optional;

/** The EC2 import calls vm2ami makes; {@link Ec2ImportService} is the real one. */
public interface ImportService {
    /** ImportImage; returns the import task id. */
    String startImport(ImportRequest request);

    /** ImportSnapshot (the snapshot path: the disk as it is, registered afterwards); returns the import task id. */
    String startSnapshotImport(ImportRequest request);

    /**
     * DescribeImportImageTasks, or DescribeImportSnapshotTasks for an {@code import-snap-} id, for one task; empty
     * when EC2 no longer knows it (tasks are visible for 7 days).
     */
    Optional<ImportTaskView> describe(String importTaskId);

    /** How many import tasks of the account are active in this Region. */
    default int countActive() {
        return active().size();
    }

    /** The account's active import tasks of both kinds (image and snapshot) in this Region, with their tags. */
    List<ImportTaskView> active();

    /** CancelImportTask. */
    void cancel(String importTaskId, String reason);
}
