package dev.vm2ami.image.verdict;

import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.os.Fstab;
import dev.vm2ami.image.os.OsFacts;
import dev.vm2ami.image.os.OsInspector;
import dev.vm2ami.image.os.SupportedOs;
import dev.vm2ami.image.read.ReadBudget;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What EC2 VM import would say about the operating system on the boot disk, from what
 * {@link OsInspector} read: no OS ("Unknown OS / Missing OS files"), several ("Multiple directories
 * found"), 32-bit or non-x86 Linux, LVM that cannot be assembled, fstab that cannot be read or names
 * devices by kernel names, boot loaders other than GRUB, and how the OS compares with the user
 * guide's supported-OS table ({@link SupportedOs}: a warning, never on its own a rejection).
 */
final class OsChecks {
    /** Bytes the OS inspection may ask for (most are served by the block cache; the fetched part is far less). */
    static final long BUDGET = 32L << 20;
    private static final int MAX_CANDIDATES = 32;
    /** File systems vm2ami opens; EC2 also reads Btrfs and JFS, which it does not. */
    private static final Set<String> READ = Set.of("ext2", "ext3", "ext4", "xfs", "ntfs", "vfat", "lvm2");
    private static final Set<String> NOT_READ = Set.of("btrfs", "jfs");

    private OsChecks() {}

    /** Opens the file systems of the boot disk's partitions and looks for operating systems on them. */
    static OsInspector.Inspection inspect(DiskDevice disk, List<PartitionInfo> volumes, ReadBudget budget) throws IOException {
        List<OsInspector.Candidate> candidates = new ArrayList<>();
        for (PartitionInfo p : volumes) {
            if (!READ.contains(p.fileSystem()) || p.offset() >= disk.size() || candidates.size() >= MAX_CANDIDATES) continue;
            candidates.add(new OsInspector.Candidate("partition " + p.index(), p.index(), disk.slice(p.offset(), p.size())));
        }
        return OsInspector.inspect(candidates, budget);
    }

    static void findings(OsInspector.Inspection inspection, List<PartitionInfo> volumes, Consumer<Finding> out) {
        List<String> notChecked = new ArrayList<>();
        for (OsInspector.Problem p : inspection.problems()) {
            switch (p.kind()) {
                case LVM_MISSING_PV -> out.accept(FindingCode.LVM_NOT_ASSEMBLED.finding(p.where(), p.message()));
                case LVM_UNSUPPORTED -> {
                    out.accept(FindingCode.LVM_NOT_READ.finding(p.where(), p.message()));
                    notChecked.add(p.where() + " (" + p.message() + ")");
                }
                default -> {
                    out.accept(FindingCode.FILE_SYSTEM_DAMAGED.finding(capitalized(p.where()), p.message()));
                    notChecked.add(p.where() + " (" + p.message() + ")");
                }
            }
        }
        for (PartitionInfo p : volumes) {
            if (NOT_READ.contains(p.fileSystem())) notChecked.add("partition " + p.index() + " holds " + p.fileSystem() + ", which vm2ami does not read yet");
        }
        List<OsFacts> systems = inspection.systems();
        if (systems.isEmpty()) {
            boolean lvmBroken = inspection.problems().stream().anyMatch(p -> p.kind() == OsInspector.Problem.Kind.LVM_MISSING_PV);
            if (!notChecked.isEmpty()) {
                out.accept(FindingCode.OS_NOT_CHECKED.finding(String.join("; ", notChecked)));
            } else if (!inspection.volumes().isEmpty() && !lvmBroken) {
                out.accept(FindingCode.NO_OPERATING_SYSTEM.finding(inspection.volumes().stream()
                        .map(v -> v.name() + ": " + v.type()).collect(Collectors.joining(", "))));
            }
            return;
        }
        if (systems.size() > 1) {
            out.accept(FindingCode.MULTIPLE_OPERATING_SYSTEMS.finding(systems.size(),
                    systems.stream().map(OsChecks::describe).collect(Collectors.joining("; "))));
        }
        for (OsFacts os : systems) {
            if (os.linux()) linux(os, out);
            else windows(os, out);
        }
    }

    private static void linux(OsFacts os, Consumer<Finding> out) {
        String arch = os.architecture();
        switch (arch) {
            case "x86_64" -> { }
            case "i386", "arm" -> out.accept(FindingCode.LINUX_32_BIT.finding(os.root(), arch + (os.kernels().isEmpty() ? ""
                    : ", kernel " + os.kernels().get(os.kernels().size() - 1))));
            case OsFacts.UNKNOWN -> out.accept(FindingCode.ARCHITECTURE_UNKNOWN.finding(os.root()));
            default -> out.accept(FindingCode.ARCHITECTURE_NOT_IMPORTABLE.finding(os.root(), arch));
        }
        table(os, out);
        if (os.kernels().isEmpty()) out.accept(FindingCode.NO_KERNEL.finding(os.root()));
        if (!os.bootloader().startsWith("grub")) {
            out.accept(FindingCode.NOT_GRUB.finding(os.root(), os.bootloader().equals("none")
                    ? "no boot loader configuration vm2ami knows (GRUB, extlinux, systemd-boot)" : os.bootloader()));
        }
        fstab(os, out);
        if (os.drivers() != null && os.drivers().kernel() != null && (!os.drivers().ena() || !os.drivers().nvme())) {
            List<String> missing = new ArrayList<>();
            if (!os.drivers().ena()) missing.add("ENA (ena)");
            if (!os.drivers().nvme()) missing.add("NVMe (nvme)");
            out.accept(FindingCode.DRIVERS_MISSING.finding(describe(os), os.drivers().kernel(), String.join(" or ", missing)));
        }
    }

    private static void table(OsFacts os, Consumer<Finding> out) {
        if (!SupportedOs.knownDistribution(os.distribution())) {
            String listed = SupportedOs.LINUX.stream().map(SupportedOs.LinuxRow::product).distinct().collect(Collectors.joining(", "));
            out.accept(FindingCode.OS_NOT_RECOGNISED.finding(os.name() == null ? "The Linux (" + os.distribution() + ")" : os.name(),
                    os.root(), listed));
            return;
        }
        SupportedOs.Match match = SupportedOs.linux(os.distribution(), os.version(), os.kernels());
        switch (match.status()) {
            case VERSION_NOT_LISTED -> out.accept(FindingCode.OS_VERSION_NOT_LISTED.finding(describe(os), match.quote()));
            case KERNEL_NOT_LISTED -> out.accept(FindingCode.KERNEL_NOT_LISTED.finding(describe(os), match.kernel(), match.quote()));
            default -> { }
        }
    }

    private static void fstab(OsFacts os, Consumer<Finding> out) {
        Fstab fstab = os.fstab();
        if (fstab == null || !fstab.present()) {
            out.accept(FindingCode.FSTAB_MISSING.finding(os.root()));
            return;
        }
        List<String> byName = new ArrayList<>();
        List<String> nonStandard = new ArrayList<>();
        List<String> unresolved = new ArrayList<>();
        for (Fstab.Entry e : fstab.entries()) {
            if (e.nonStandardType()) nonStandard.add(e.mountPoint() + " (" + e.type() + ")");
            else if (e.reference() == Fstab.Reference.DEVICE_NAME) byName.add(e.mountPoint() + " (" + e.device() + ")");
            else if ((e.reference() == Fstab.Reference.UUID || e.reference() == Fstab.Reference.LABEL) && e.resolvedTo() == null) {
                unresolved.add(e.device() + " (" + e.mountPoint() + ")");
            }
        }
        if (!byName.isEmpty()) out.accept(FindingCode.FSTAB_DEVICE_NAMES.finding(String.join(", ", byName)));
        if (!nonStandard.isEmpty()) out.accept(FindingCode.FSTAB_NON_STANDARD.finding(String.join(", ", nonStandard)));
        if (!unresolved.isEmpty()) out.accept(FindingCode.FSTAB_UNRESOLVED.finding(String.join(", ", unresolved)));
    }

    private static void windows(OsFacts os, Consumer<Finding> out) {
        String arch = os.architecture();
        if (!arch.equals("x86_64") && !arch.equals("i386") && !arch.equals(OsFacts.UNKNOWN)) {
            out.accept(FindingCode.ARCHITECTURE_NOT_IMPORTABLE.finding(os.root(), arch));
        }
        if ("Nano Server".equalsIgnoreCase(os.installationType())) out.accept(FindingCode.WINDOWS_NANO_SERVER.finding(describe(os)));
        if (os.name() == null) return;
        String build = os.version() == null ? null : os.version().substring(os.version().lastIndexOf('.') + 1);
        if (SupportedOs.windows(os.name(), build).isEmpty()) {
            out.accept(FindingCode.WINDOWS_NOT_LISTED.finding(describe(os), SupportedOs.WINDOWS.stream()
                    .map(SupportedOs.WindowsRow::product).collect(Collectors.toCollection(LinkedHashSet::new)).stream()
                    .collect(Collectors.joining(", "))));
        }
    }

    /** "Ubuntu 22.04.3 LTS on partition 1". */
    static String describe(OsFacts os) {
        String name = os.name() != null ? os.name() : os.distribution() + (os.version() == null ? "" : " " + os.version());
        return name + " on " + os.root();
    }

    /** The fallback loader UEFI firmware starts for this OS, if a particular one is needed (Linux). */
    static Optional<String> requiredFallbackLoader(List<OsFacts> systems) {
        return systems.stream().filter(OsFacts::linux).findFirst().map(os -> OsInspector.fallbackLoader(os.architecture()));
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }
}
