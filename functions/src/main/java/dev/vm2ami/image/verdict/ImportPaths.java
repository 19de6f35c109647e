package dev.vm2ami.image.verdict;

import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.os.CloudReadiness;
import dev.vm2ami.image.os.OsFacts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which path an image takes to become an AMI, from its {@code importMode} and what the inspection
 * found. {@code image}: ImportImage, as the findings say. {@code snapshot}: ImportSnapshot and
 * RegisterImage, for a cloud-ready image ({@link CloudReadiness}); findings about what ImportImage
 * would refuse or change no longer apply. {@code auto}: the snapshot path when ImportImage would
 * refuse the image for a reason the snapshot path does not have (an architecture it does not
 * convert, a distribution or kernel it does not know) and the image is cloud-ready; ImportImage
 * otherwise. An image neither path takes keeps its errors, with the reasons for both.
 */
public final class ImportPaths {
    public static final String IMAGE = "image";
    public static final String SNAPSHOT = "snapshot";
    public static final String AUTO = "auto";
    public static final Set<String> MODES = Set.of(IMAGE, SNAPSHOT, AUTO);

    /** What ImportImage refuses (or is likely to) and the snapshot path does not care about. */
    static final Set<String> IMAGE_PATH_REFUSALS = Set.of(FindingCode.ARCHITECTURE_NOT_IMPORTABLE.name(),
            FindingCode.OS_NOT_RECOGNISED.name(), FindingCode.KERNEL_NOT_LISTED.name());
    /** Findings about ImportImage's table and its changes to the OS: beside the point when the disk is registered as it is. */
    static final Set<String> IMAGE_PATH_ONLY = Set.of(FindingCode.ARCHITECTURE_NOT_IMPORTABLE.name(),
            FindingCode.OS_NOT_RECOGNISED.name(), FindingCode.KERNEL_NOT_LISTED.name(), FindingCode.OS_VERSION_NOT_LISTED.name(),
            FindingCode.NOT_GRUB.name(), FindingCode.DRIVERS_MISSING.name());

    private ImportPaths() {}

    /**
     * @param path        the path the image takes
     * @param findings    the inspection's findings, as they stand for that path
     * @param cloudReady  whether the image boots on EC2 as it is (false when no OS was found)
     */
    public record Decision(ImportPath path, List<Finding> findings, boolean cloudReady) {
        public Decision {
            findings = List.copyOf(findings);
        }

        public Verdict verdict() {
            return InspectionReport.verdictOf(findings);
        }
    }

    /**
     * @param mode     image, snapshot or auto (validated by the options' resolver; anything else counts as auto)
     * @param findings what the inspection found
     * @param os       the operating system on the boot disk, if one was found
     * @param bootMode the boot mode the AMI would have (requested, else detected), or null
     */
    public static Decision decide(String mode, List<Finding> findings, Optional<OsFacts> os, String bootMode) {
        String m = mode == null ? AUTO : mode.toLowerCase(Locale.ROOT);
        Optional<CloudReadiness> readiness = os.map(o -> CloudReadiness.of(o, bootMode));
        boolean ready = readiness.map(CloudReadiness::ready).orElse(false);
        String arch = os.map(OsFacts::architecture).orElse("unknown");
        List<Finding> refusals = findings.stream().filter(f -> IMAGE_PATH_REFUSALS.contains(f.code())).toList();
        switch (m) {
            case IMAGE -> {
                return new Decision(ImportPath.IMAGE, findings, ready);
            }
            case SNAPSHOT -> {
                if (!ready) {
                    List<Finding> out = new ArrayList<>(findings);
                    out.add(notCloudReady(os, readiness));
                    return new Decision(ImportPath.SNAPSHOT, out, false);
                }
                return new Decision(ImportPath.SNAPSHOT, snapshotFindings(findings, arch, bootMode, "importMode snapshot was asked for"), true);
            }
            default -> {
                if (refusals.isEmpty()) return new Decision(ImportPath.IMAGE, findings, ready);
                String why = refusals.stream().map(Finding::code).distinct().collect(Collectors.joining(", "));
                if (ready) {
                    return new Decision(ImportPath.SNAPSHOT, snapshotFindings(findings, arch, bootMode,
                            "ImportImage would refuse it (" + why + ") and it is cloud-ready"), true);
                }
                List<Finding> out = new ArrayList<>(findings);
                if (readiness.isPresent()) {
                    CloudReadiness r = readiness.get();
                    out.add(FindingCode.SNAPSHOT_PATH_UNAVAILABLE.finding(why, join(r), fixes(r)));
                }
                return new Decision(ImportPath.IMAGE, out, false);
            }
        }
    }

    private static List<Finding> snapshotFindings(List<Finding> findings, String arch, String bootMode, String why) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings) {
            if (!IMAGE_PATH_ONLY.contains(f.code())) out.add(f);
        }
        out.add(FindingCode.SNAPSHOT_PATH.finding(arch, bootMode, why));
        return out;
    }

    private static Finding notCloudReady(Optional<OsFacts> os, Optional<CloudReadiness> readiness) {
        if (os.isEmpty()) {
            return FindingCode.NOT_CLOUD_READY.finding("the image", "no operating system was found on its boot disk",
                    "Upload the disk that holds the operating system.");
        }
        CloudReadiness r = readiness.orElseThrow();
        OsFacts o = os.get();
        String name = (o.name() != null ? o.name() : o.distribution()) + " on " + o.root();
        return FindingCode.NOT_CLOUD_READY.finding(name, join(r), fixes(r));
    }

    private static String join(CloudReadiness r) {
        return r.missing().stream().map(CloudReadiness.Gap::what).collect(Collectors.joining("; "));
    }

    private static String fixes(CloudReadiness r) {
        return r.missing().stream().map(CloudReadiness.Gap::fix).distinct().collect(Collectors.joining(" "));
    }
}
