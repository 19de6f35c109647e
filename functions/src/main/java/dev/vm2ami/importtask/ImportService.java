package dev.vm2ami.importtask;

import java.util.List;
import java.util.Optional;

/** The EC2 import calls vm2ami makes; {@link Ec2ImportService} is the real one. */
public interface ImportService {
    /** ImportImage; returns the import task id. */
    String startImport(ImportRequest request);

    /** DescribeImportImageTasks for one task; empty when EC2 no longer knows it (tasks are visible for 7 days). */
    Optional<ImportTaskView> describe(String importTaskId);

    /** How many import tasks of the account are active in this Region. */
    default int countActive() {
        return active().size();
    }

    /** The account's active import tasks in this Region, with their tags. */
    List<ImportTaskView> active();

    /** CancelImportTask. */
    void cancel(String importTaskId, String reason);
}
