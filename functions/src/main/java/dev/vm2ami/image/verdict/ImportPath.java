package dev.vm2ami.image.verdict;

import java.util.Locale;

/**
 * How an image becomes an AMI: ImportImage (EC2 converts the VM: drivers, fstab, boot loader,
 * licence) or ImportSnapshot followed by RegisterImage (the disk is copied block for block and
 * registered as it is, so it must already boot on EC2). The job carries the names, the notification
 * and the options the {@link #value()}s ({@code image}, {@code snapshot}).
 */
public enum ImportPath {
    IMAGE("import-ami-"),
    SNAPSHOT("import-snap-");

    private final String taskIdPrefix;

    ImportPath(String taskIdPrefix) {
        this.taskIdPrefix = taskIdPrefix;
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The prefix of EC2's ids for import tasks of this path ({@code import-ami-…}, {@code import-snap-…}). */
    public String taskIdPrefix() {
        return taskIdPrefix;
    }

    /** The path an import task belongs to, from its id: the id is the one fact both paths share. */
    public static ImportPath ofTaskId(String importTaskId) {
        return importTaskId != null && importTaskId.startsWith(SNAPSHOT.taskIdPrefix) ? SNAPSHOT : IMAGE;
    }
}
