package dev.vm2ami.distribute;

import dev.vm2ami.job.ImportJob;

import java.util.Optional;

/** What distribution may do to the source object: one exact version, never another. */
public interface SourceVersions {
    /** Adds (or replaces) one tag on exactly that version, keeping its other tags. */
    void tag(ImportJob.SourceObject source, String key, String value);

    /**
     * Deletes exactly that version. Without a version id (an unversioned bucket) it deletes the key only
     * while it still holds the imported content (same ETag); empty when deleted, else why not.
     */
    Optional<String> delete(ImportJob.SourceObject source);
}
