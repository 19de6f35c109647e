package dev.vm2ami.importtask;

import java.util.Map;

/** What vm2ami asks ImportImage for, without SDK types. Empty strings mean "not given". */
public record ImportRequest(String format, String bucket, String key, String roleName, String description,
                            String clientToken, String licenseType, String bootMode, String platform,
                            String architecture, String usageOperation, String kmsKeyId, Map<String, String> taskTags) {
    public ImportRequest {
        taskTags = Map.copyOf(taskTags);
    }
}
