package dev.vm2ami.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.importtask.ImportTaskView;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON fixtures under {@code events/}. Job documents go through the pipeline's own JSON
 * mapping (the one the handlers use); DescribeImportImageTasks responses are in the AWS CLI's shape.
 */
public final class Fixtures {
    private Fixtures() {}

    public static ImportJob job(String path) {
        try {
            return Json.MAPPER.readValue(Path.of(path).toFile(), ImportJob.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the fixture " + path, e);
        }
    }

    public static ImportTaskView describedTask(String path) {
        try {
            JsonNode t = Json.MAPPER.readTree(Path.of(path).toFile()).path("ImportImageTasks").get(0);
            List<String> snapshots = new ArrayList<>();
            java.util.Map<String, String> tags = new java.util.LinkedHashMap<>();
            t.path("Tags").forEach(tag -> tags.put(tag.path("Key").asText(), tag.path("Value").asText()));
            t.path("SnapshotDetails").forEach(d -> {
                if (d.hasNonNull("SnapshotId")) snapshots.add(d.path("SnapshotId").asText());
            });
            return new ImportTaskView(t.path("ImportTaskId").asText(), t.path("Status").asText(),
                    t.hasNonNull("StatusMessage") ? t.path("StatusMessage").asText() : null,
                    t.hasNonNull("Progress") ? Integer.valueOf(t.path("Progress").asText()) : null,
                    t.hasNonNull("ImageId") ? t.path("ImageId").asText() : null, snapshots, tags);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the fixture " + path, e);
        }
    }
}
