package dev.vm2ami.image.verdict;

import dev.vm2ami.image.container.DiskFormat;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.Severity;
import dev.vm2ami.image.os.OsFacts;

import java.util.List;
import java.util.Optional;

/**
 * The result of inspecting one image.
 *
 * @param partitions    the partitions of the (boot) disk
 * @param bytesRead     bytes fetched from the image
 * @param rangeRequests reads issued (ranged GETs on S3)
 * @param virtualSize   the size of the (boot) disk the guest sees, in bytes; 0 when unknown
 * @param disks         the disks found: one for a disk image, one per disk for an OVA (the boot disk first)
 * @param conversion    for an image vm2ami converts before importing and can convert (verdict CONVERT, or
 *                      REJECT for what is wrong inside the disk): what it is converted from and to
 * @param systems       the operating systems on the boot disk (more than one is a finding)
 * @param bootMode      the boot mode requested, else the one the boot disk allows; empty when it has none
 */
public record InspectionReport(DiskFormat format, Verdict verdict, List<Finding> findings,
                               List<PartitionInfo> partitions, long bytesRead, int rangeRequests,
                               long virtualSize, List<DiskInfo> disks, Optional<ConversionPlan> conversion,
                               List<OsFacts> systems, Optional<BootMode> bootMode) {

    public InspectionReport {
        findings = List.copyOf(findings);
        partitions = List.copyOf(partitions);
        disks = List.copyOf(disks);
        conversion = conversion == null ? Optional.empty() : conversion;
        systems = List.copyOf(systems);
        bootMode = bootMode == null ? Optional.empty() : bootMode;
    }

    /** A report of an image imported as it is, without what was read inside the boot disk's file systems. */
    public InspectionReport(DiskFormat format, Verdict verdict, List<Finding> findings, List<PartitionInfo> partitions,
                            long bytesRead, int rangeRequests, long virtualSize, List<DiskInfo> disks) {
        this(format, verdict, findings, partitions, bytesRead, rangeRequests, virtualSize, disks, Optional.empty(), List.of(), Optional.empty());
    }

    /** The same report with other findings and verdict (the findings as they stand for an import path). */
    public InspectionReport withFindings(List<Finding> newFindings, Verdict newVerdict) {
        return new InspectionReport(format, newVerdict, newFindings, partitions, bytesRead, rangeRequests, virtualSize, disks,
                conversion, systems, bootMode);
    }

    /** The operating system of the boot disk (the first, when there are several). */
    public Optional<OsFacts> os() {
        return systems.stream().findFirst();
    }

    /** The report of the first version, without size and disk list. */
    public InspectionReport(DiskFormat format, Verdict verdict, List<Finding> findings,
                            List<PartitionInfo> partitions, long bytesRead, int rangeRequests) {
        this(format, verdict, findings, partitions, bytesRead, rangeRequests, 0, List.of());
    }

    /**
     * What a conversion will do: "qcow2 v3" to "stream-optimized VMDK".
     *
     * @param compressed whether the image is gzip-, xz- or zstd-compressed (decompressed in full while converting)
     */
    public record ConversionPlan(String from, String to, boolean compressed) {}

    /** REJECT if any finding is an error; else CONVERT for an image that is converted first; else as {@link #verdictOf(List)}. */
    public static Verdict verdictOf(List<Finding> findings, boolean converted) {
        Verdict v = verdictOf(findings);
        return converted && v != Verdict.REJECT ? Verdict.CONVERT : v;
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
