package dev.vm2ami.local.demo;

import dev.vm2ami.importtask.ImportSubmitter;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeImportImageTasksResponse;
import software.amazon.awssdk.services.ec2.model.ImportImageTask;
import software.amazon.awssdk.services.ec2.model.Tag;

import java.util.HashMap;
import java.util.Map;

/**
 * Where each image's import stands, as a user sees it with DescribeImportImageTasks: the latest
 * attempt's task per source key (from the tags vm2ami puts on its tasks).
 */
public final class ImportProgress {
    private final Ec2Client ec2;

    public ImportProgress(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    /** Source key -> "stage progress%" of the latest attempt, e.g. "converting 18% (attempt 2)". */
    public Map<String, String> byKey() {
        Map<String, ImportImageTask> latest = new HashMap<>();
        Map<String, Integer> attempts = new HashMap<>();
        String token = null;
        do {
            String page = token;
            DescribeImportImageTasksResponse response = ec2.describeImportImageTasks(r -> r.nextToken(page));
            for (ImportImageTask t : response.importImageTasks()) {
                String key = tag(t, ImportSubmitter.TAG_SOURCE_KEY);
                if (key == null) continue;
                int attempt = Integer.parseInt(tag(t, ImportSubmitter.TAG_ATTEMPT) == null ? "1" : tag(t, ImportSubmitter.TAG_ATTEMPT));
                if (attempt >= attempts.getOrDefault(key, 0)) {
                    attempts.put(key, attempt);
                    latest.put(key, t);
                }
            }
            token = response.nextToken();
        } while (token != null && !token.isEmpty());
        Map<String, String> out = new HashMap<>();
        // Snapshot tasks (the snapshot path): their status is in the SnapshotTaskDetail.
        Map<String, Integer> snapshotAttempts = new HashMap<>();
        String snapshots = null;
        do {
            String page = snapshots;
            var response = ec2.describeImportSnapshotTasks(r -> r.nextToken(page));
            for (var t : response.importSnapshotTasks()) {
                String key = t.tags().stream().filter(tag -> tag.key().equals(ImportSubmitter.TAG_SOURCE_KEY)).map(Tag::value)
                        .findFirst().orElse(null);
                String attemptTag = t.tags().stream().filter(tag -> tag.key().equals(ImportSubmitter.TAG_ATTEMPT)).map(Tag::value)
                        .findFirst().orElse("1");
                int attempt = Integer.parseInt(attemptTag);
                if (key == null || attempt < Math.max(attempts.getOrDefault(key, 0), snapshotAttempts.getOrDefault(key, 0))) continue;
                snapshotAttempts.put(key, attempt);
                var d = t.snapshotTaskDetail();
                String stage = "completed".equals(d.status()) ? "completed" : d.statusMessage() == null ? d.status() : d.statusMessage();
                out.put(key, "snapshot: " + stage + (d.progress() == null ? "" : " " + d.progress() + "%")
                        + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
            }
            snapshots = response.nextToken();
        } while (snapshots != null && !snapshots.isEmpty());
        latest.forEach((key, t) -> {
            if (out.containsKey(key)) return; // a later attempt on the snapshot path
            String stage = "completed".equals(t.status()) ? "completed" : t.statusMessage() == null ? t.status() : t.statusMessage();
            String progress = t.progress() == null ? "" : " " + t.progress() + "%";
            int attempt = attempts.get(key);
            out.put(key, stage + progress + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
        });
        return out;
    }

    private static String tag(ImportImageTask t, String key) {
        return t.tags().stream().filter(tag -> tag.key().equals(key)).map(Tag::value).findFirst().orElse(null);
    }
}
