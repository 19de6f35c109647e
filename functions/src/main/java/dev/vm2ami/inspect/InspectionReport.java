package dev.vm2ami.inspect;

import java.util.List;

/**
 * The result of inspecting one image.
 *
 * @param bytesRead     bytes fetched from the image
 * @param rangeRequests reads issued (ranged GETs on S3)
 */
public record InspectionReport(DiskFormat format, Verdict verdict, List<Finding> findings,
                               List<PartitionInfo> partitions, long bytesRead, int rangeRequests) {

    public InspectionReport {
        findings = List.copyOf(findings);
        partitions = List.copyOf(partitions);
    }
}
