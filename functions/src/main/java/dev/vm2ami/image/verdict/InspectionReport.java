package dev.vm2ami.image.verdict;

import dev.vm2ami.image.container.DiskFormat;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.Severity;

import java.util.List;

/**
 * The result of inspecting one image.
 *
 * @param partitions    the partitions of the (boot) disk
 * @param bytesRead     bytes fetched from the image
 * @param rangeRequests reads issued (ranged GETs on S3)
 * @param virtualSize   the size of the (boot) disk the guest sees, in bytes; 0 when unknown
 * @param disks         the disks found: one for a disk image, one per disk for an OVA (the boot disk first)
 */
public record InspectionReport(DiskFormat format, Verdict verdict, List<Finding> findings,
                               List<PartitionInfo> partitions, long bytesRead, int rangeRequests,
                               long virtualSize, List<DiskInfo> disks) {

    public InspectionReport {
        findings = List.copyOf(findings);
        partitions = List.copyOf(partitions);
        disks = List.copyOf(disks);
    }

    /** The report of the first version, without size and disk list. */
    public InspectionReport(DiskFormat format, Verdict verdict, List<Finding> findings,
                            List<PartitionInfo> partitions, long bytesRead, int rangeRequests) {
        this(format, verdict, findings, partitions, bytesRead, rangeRequests, 0, List.of());
    }

    /** REJECT if any finding is an error, WARN if any is a warning, else ACCEPT. */
    public static Verdict verdictOf(List<Finding> findings) {
        if (findings.stream().anyMatch(f -> f.severity() == Severity.ERROR)) return Verdict.REJECT;
        if (findings.stream().anyMatch(f -> f.severity() == Severity.WARNING)) return Verdict.WARN;
        return Verdict.ACCEPT;
    }

    /** Whether a finding with {@code code} is among the findings. */
    public boolean has(FindingCode code) {
        return findings.stream().anyMatch(f -> f.code().equals(code.name()));
    }
}
