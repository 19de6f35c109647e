package dev.vm2ami.image.os;

import dev.vm2ami.image.fs.FatVolume;
import dev.vm2ami.image.fs.NtfsVolume;
import dev.vm2ami.image.fs.Volume;
import dev.vm2ami.image.fs.Volumes;
import dev.vm2ami.image.os.windows.RegistryHive;
import dev.vm2ami.image.partition.Lvm;
import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.read.StructureException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the operating systems on a disk the way virt-inspector does, without mounting anything:
 * opens each partition's file system (and the logical volumes of LVM physical volumes), takes a
 * volume with /etc, /bin (or /bin -> usr/bin) and /etc/fstab or /etc/hosts for a Linux root and
 * one with Windows/System32/config and cmd.exe for a Windows root, then reads what the OS is from
 * a handful of files: os-release and the older release files, the ELF header of init or a shell,
 * /boot and /lib/modules, the boot loader's configuration, /etc/fstab (whose /boot, /boot/efi and
 * /usr mounts are followed onto their volumes), the ENA and NVMe modules, and for Windows the
 * SOFTWARE registry hive and cmd.exe's PE header.
 *
 * <p>Damaged or unreadable structures become {@link Problem}s; the inspection goes on with what it
 * could read. Everything read counts against one {@link ReadBudget}.
 */
public final class OsInspector {
    private static final int SMALL_FILE = 64 * 1024;
    private static final int MAX_LISTING = 512;
    private static final List<String> ARCHITECTURE_PROBES = List.of("/sbin/init", "/usr/lib/systemd/systemd", "/bin/bash",
            "/usr/bin/bash", "/bin/ls", "/usr/bin/ls", "/bin/sh", "/bin/busybox");
    private static final List<String> SEPARATE_MOUNTS = List.of("/boot", "/boot/efi", "/efi", "/usr");
    private static final List<String> EFI_FALLBACK = List.of("EFI/BOOT/BOOTX64.EFI", "EFI/BOOT/BOOTAA64.EFI", "EFI/BOOT/BOOTIA32.EFI",
            "EFI/Microsoft/Boot/bootmgfw.efi");
    private static final List<String> WINDOWS_SYSTEMROOTS = List.of("/Windows", "/WINNT", "/win32", "/win");
    private static final List<String> MODULE_SUFFIXES = List.of(".ko", ".ko.xz", ".ko.zst", ".ko.gz");

    /** A partition (or a whole disk) to look into. */
    public record Candidate(String name, int partitionNumber, BlockDevice device) {
    }

    /** A volume found, and what it turned out to be. */
    public record VolumeSummary(String name, String type, String uuid, String label, String role) {
    }

    /** Something that could not be read, and where. */
    public record Problem(Kind kind, String where, String message) {
        public enum Kind { DAMAGED, UNSUPPORTED, LIMIT, LVM_MISSING_PV, LVM_UNSUPPORTED }

        static Problem of(String where, StructureException e) {
            Kind k = switch (e.kind()) {
                case CORRUPT -> Kind.DAMAGED;
                case UNSUPPORTED -> Kind.UNSUPPORTED;
                case LIMIT -> Kind.LIMIT;
            };
            return new Problem(k, where, e.getMessage());
        }
    }

    /**
     * @param systems  the operating systems found (more than one is a multi-boot image)
     * @param volumes  every file system opened (partitions and logical volumes)
     * @param problems what could not be read
     */
    public record Inspection(List<OsFacts> systems, List<VolumeSummary> volumes, List<Problem> problems) {
        public Inspection {
            systems = List.copyOf(systems);
            volumes = List.copyOf(volumes);
            problems = List.copyOf(problems);
        }
    }

    /** An opened volume with the names fstab may use for it. */
    private record Known(String name, int partition, Volume volume, List<String> deviceNames) {
    }

    private final ReadBudget budget;
    private final List<Problem> problems = new ArrayList<>();
    private final List<Known> known = new ArrayList<>();
    private final Map<String, String> roles = new LinkedHashMap<>();

    private OsInspector(ReadBudget budget) {
        this.budget = budget;
    }

    public static Inspection inspect(List<Candidate> candidates, ReadBudget budget) throws IOException {
        return new OsInspector(budget).run(candidates);
    }

    private Inspection run(List<Candidate> candidates) throws IOException {
        List<Lvm.PhysicalVolume> pvs = new ArrayList<>();
        for (Candidate c : candidates) {
            try {
                budget.charge(4096, "a superblock probe");
                if (Lvm.detect(c.device().read(0, 4096))) {
                    Lvm.read(c.device(), budget).ifPresent(pvs::add);
                    roles.put(c.name(), "lvm2 physical volume");
                    continue;
                }
                Optional<Volume> v = Volumes.open(c.device(), budget);
                v.ifPresent(volume -> known.add(new Known(c.name(), c.partitionNumber(), volume, List.of())));
            } catch (StructureException e) {
                problems.add(Problem.of(c.name(), e));
            }
        }
        logicalVolumes(pvs);
        List<OsFacts> systems = new ArrayList<>();
        for (Known k : known) {
            try {
                if (linuxRoot(k.volume())) {
                    roles.put(k.name(), "linux root");
                    systems.add(linux(k));
                } else if (k.volume() instanceof NtfsVolume && windowsRoot(k.volume()).isPresent()) {
                    roles.put(k.name(), "windows root");
                    systems.add(windows(k, windowsRoot(k.volume()).get()));
                }
            } catch (StructureException e) {
                problems.add(Problem.of(k.name(), e));
            }
        }
        List<VolumeSummary> volumes = new ArrayList<>();
        for (Known k : known) {
            volumes.add(new VolumeSummary(k.name(), k.volume().type(), k.volume().uuid().orElse(null), k.volume().label().orElse(null),
                    roles.getOrDefault(k.name(), k.volume() instanceof FatVolume && isEsp(k) ? "efi system partition" : "data")));
        }
        return new Inspection(systems, volumes, problems);
    }

    private void logicalVolumes(List<Lvm.PhysicalVolume> pvs) throws IOException {
        if (pvs.isEmpty()) return;
        List<Lvm.VolumeGroup> groups;
        try {
            groups = Lvm.assemble(pvs);
        } catch (StructureException e) {
            problems.add(Problem.of("the LVM metadata", e));
            return;
        }
        for (Lvm.VolumeGroup vg : groups) {
            for (Lvm.LogicalVolume lv : vg.lvs()) {
                String name = "logical volume " + vg.name() + "/" + lv.name();
                if (!lv.visible()) continue;
                if (lv.device().isEmpty()) {
                    String why = lv.problem().orElse("it cannot be mapped");
                    Problem.Kind kind = why.contains("not on this disk") ? Problem.Kind.LVM_MISSING_PV : Problem.Kind.LVM_UNSUPPORTED;
                    problems.add(new Problem(kind, name, why));
                    continue;
                }
                try {
                    Optional<Volume> v = Volumes.open(lv.device().get(), budget);
                    if (v.isPresent()) {
                        known.add(new Known(name, 0, v.get(), List.of("/dev/mapper/" + lv.mapperName(), "/dev/" + vg.name() + "/" + lv.name())));
                    }
                } catch (StructureException e) {
                    problems.add(Problem.of(name, e));
                }
            }
        }
    }

    // --- Linux ------------------------------------------------------------------------------------

    /** virt-inspector's test: /etc, /bin or a /bin -> usr/bin link, and /etc/fstab or /etc/hosts. */
    private static boolean linuxRoot(Volume v) throws IOException, StructureException {
        if (v instanceof NtfsVolume || v instanceof FatVolume) return false;
        if (!v.lookup("/etc").map(Volume.Node::isDirectory).orElse(false)) return false;
        boolean bin = v.lookupNoFollow("/bin").map(Volume.Node::isDirectory).orElse(false)
                || v.readLink("/bin").map(t -> t.equals("usr/bin") || t.equals("/usr/bin")).orElse(false);
        if (!bin) return false;
        return v.lookup("/etc/fstab").map(Volume.Node::isFile).orElse(false) || v.lookup("/etc/hosts").map(Volume.Node::isFile).orElse(false);
    }

    private OsFacts linux(Known rootVolume) throws IOException, StructureException {
        Volume root = rootVolume.volume();
        Fstab fstab = fstab(root, rootVolume);
        Map<String, Volume> mounts = new LinkedHashMap<>();
        for (Fstab.Entry e : fstab.entries()) {
            if (!SEPARATE_MOUNTS.contains(e.mountPoint()) || e.resolvedTo() == null) continue;
            known.stream().filter(k -> k.name().equals(e.resolvedTo()) && k != rootVolume).findFirst().ifPresent(k -> {
                mounts.put(e.mountPoint(), k.volume());
                roles.putIfAbsent(k.name(), "linux " + e.mountPoint());
            });
        }
        FileTree tree = new FileTree(root, mounts);
        Release release = guarded(rootVolume.name() + ": the release files", () -> release(tree), new Release(OsFacts.UNKNOWN, null, null));
        String architecture = guarded(rootVolume.name() + ": the architecture", () -> architecture(tree), OsFacts.UNKNOWN);
        List<String> kernels = guarded(rootVolume.name() + ": the kernels", () -> kernels(tree), List.of());
        String bootloader = guarded(rootVolume.name() + ": the boot loader", () -> linuxBootloader(tree), "none");
        List<String> efi = efiLoaders();
        if (bootloader.equals("none") && efi.stream().anyMatch(l -> l.startsWith("EFI/BOOT/"))) {
            bootloader = guarded("the EFI System Partition", this::espBootloader, "none");
        }
        String newest = kernels.isEmpty() ? null : kernels.get(kernels.size() - 1);
        OsFacts.Drivers drivers = guarded(rootVolume.name() + ": the kernel modules", () -> drivers(tree, newest), new OsFacts.Drivers(newest, false, false));
        return new OsFacts(OsFacts.LINUX, release.id(), release.version(), release.name(), architecture, kernels, bootloader, efi,
                fstab, drivers, rootVolume.name(), null, null);
    }

    private interface Reading<T> {
        T read() throws IOException, StructureException;
    }

    /** One fact: a damaged structure under it becomes a problem and the fact its default. */
    private <T> T guarded(String where, Reading<T> reading, T otherwise) throws IOException {
        try {
            return reading.read();
        } catch (StructureException e) {
            problems.add(Problem.of(where, e));
            return otherwise;
        }
    }

    private String text(FileTree tree, String path) throws IOException, StructureException {
        return tree.read(path, SMALL_FILE).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    }

    record Release(String id, String version, String name) {
    }

    /** os-release first, then lsb-release, then the distributions' own release files (virt-inspector's order). */
    private Release release(FileTree tree) throws IOException, StructureException {
        String osRelease = text(tree, "/etc/os-release");
        if (osRelease == null) osRelease = text(tree, "/usr/lib/os-release");
        if (osRelease != null) {
            Map<String, String> kv = keyValues(osRelease);
            String id = kv.getOrDefault("ID", "").toLowerCase(Locale.ROOT);
            if (!id.isEmpty()) {
                String version = kv.get("VERSION_ID");
                // os-release gives Debian's and CentOS's major version only; their release files say more.
                if (id.equals("debian")) version = firstLine(text(tree, "/etc/debian_version")).filter(v -> v.matches("\\d.*")).orElse(version);
                if (id.equals("centos")) version = firstLine(text(tree, "/etc/centos-release")).map(OsInspector::releaseNumber).orElse(version);
                return new Release(id, version, kv.getOrDefault("PRETTY_NAME", kv.getOrDefault("NAME", id)));
            }
        }
        String lsb = text(tree, "/etc/lsb-release");
        if (lsb != null) {
            Map<String, String> kv = keyValues(lsb);
            if (kv.containsKey("DISTRIB_ID")) {
                return new Release(kv.get("DISTRIB_ID").toLowerCase(Locale.ROOT), kv.get("DISTRIB_RELEASE"),
                        kv.getOrDefault("DISTRIB_DESCRIPTION", kv.get("DISTRIB_ID")));
            }
        }
        String[][] files = {{"/etc/oracle-release", "ol"}, {"/etc/centos-release", "centos"}, {"/etc/redhat-release", null},
                {"/etc/debian_version", "debian"}, {"/etc/alpine-release", "alpine"}, {"/etc/arch-release", "arch"},
                {"/etc/gentoo-release", "gentoo"}, {"/etc/SuSE-release", null}, {"/etc/slackware-version", "slackware"}};
        for (String[] f : files) {
            String content = text(tree, f[0]);
            if (content == null) continue;
            String line = firstLine(content).orElse("");
            String id = f[1];
            if (f[0].equals("/etc/redhat-release")) id = redHatFamily(line);
            if (f[0].equals("/etc/SuSE-release")) return suse(content, line);
            String version = id.equals("debian") || id.equals("alpine") ? line : releaseNumber(line);
            return new Release(id, version == null || version.isEmpty() ? null : version, line.isEmpty() ? id : line);
        }
        return new Release(OsFacts.UNKNOWN, null, null);
    }

    private static String redHatFamily(String line) {
        String l = line.toLowerCase(Locale.ROOT);
        if (l.startsWith("fedora")) return "fedora";
        if (l.startsWith("centos")) return "centos";
        if (l.startsWith("red hat")) return "rhel";
        if (l.startsWith("scientific")) return "scientific";
        if (l.startsWith("oracle")) return "ol";
        if (l.startsWith("rocky")) return "rocky";
        if (l.startsWith("almalinux")) return "almalinux";
        return "redhat-based";
    }

    private static Release suse(String content, String first) {
        Map<String, String> kv = keyValues(content.replace(" = ", "="));
        String version = kv.get("VERSION");
        if (version != null && kv.containsKey("PATCHLEVEL") && !kv.get("PATCHLEVEL").equals("0")) version = version + "." + kv.get("PATCHLEVEL");
        String id = first.startsWith("SUSE Linux Enterprise Server") || first.startsWith("SUSE LINUX Enterprise Server") ? "sles"
                : first.toLowerCase(Locale.ROOT).startsWith("opensuse") ? "opensuse" : "suse";
        return new Release(id, version, first);
    }

    /** "CentOS Linux release 7.9.2009 (Core)" -> 7.9.2009; "Fedora release 20" -> 20. */
    private static String releaseNumber(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("release\\s+(\\d+(?:\\.\\d+)*)").matcher(line);
        if (m.find()) return m.group(1);
        m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)*)").matcher(line);
        return m.find() ? m.group(1) : null;
    }

    private static Optional<String> firstLine(String text) {
        if (text == null) return Optional.empty();
        String line = text.lines().findFirst().orElse("").strip();
        return line.isEmpty() ? Optional.empty() : Optional.of(line);
    }

    /** KEY=value lines (os-release, lsb-release), quotes removed. */
    static Map<String, String> keyValues(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (l.startsWith("#") || eq <= 0) continue;
            String v = l.substring(eq + 1).strip();
            if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) v = v.substring(1, v.length() - 1);
            out.putIfAbsent(l.substring(0, eq).strip(), v);
        }
        return out;
    }

    private static String architecture(FileTree tree) throws IOException, StructureException {
        for (String probe : ARCHITECTURE_PROBES) {
            Optional<byte[]> head = tree.read(probe, Executables.HEADER);
            if (head.isEmpty()) continue;
            Optional<String> arch = Executables.elf(head.get());
            if (arch.isPresent()) return arch.get();
        }
        return OsFacts.UNKNOWN;
    }

    /** Kernel versions: /boot/vmlinuz-VERSION (and vmlinux-, kernel-) and the directories of /lib/modules. */
    private static List<String> kernels(FileTree tree) throws IOException, StructureException {
        Set<String> versions = new TreeSet<>(SupportedOs.VERSION_ORDER);
        for (String name : tree.list("/boot", MAX_LISTING)) {
            for (String prefix : List.of("vmlinuz-", "vmlinux-", "kernel-")) {
                if (name.startsWith(prefix) && name.length() > prefix.length() && Character.isDigit(name.charAt(prefix.length()))) {
                    versions.add(name.substring(prefix.length()));
                }
            }
        }
        for (String dir : List.of("/lib/modules", "/usr/lib/modules")) {
            for (String name : tree.list(dir, MAX_LISTING)) {
                if (!name.isEmpty() && Character.isDigit(name.charAt(0)) && tree.isDirectory(dir + "/" + name)) versions.add(name);
            }
        }
        return new ArrayList<>(versions);
    }

    private static String linuxBootloader(FileTree tree) throws IOException, StructureException {
        if (tree.isFile("/boot/grub2/grub.cfg") || tree.isFile("/boot/grub/grub.cfg")) return "grub2";
        if (tree.isFile("/boot/grub/menu.lst") || tree.isFile("/boot/grub/grub.conf")) return "grub-legacy";
        if (tree.isFile("/boot/extlinux/extlinux.conf") || tree.isFile("/boot/extlinux.conf") || tree.isFile("/extlinux.conf")
                || tree.isFile("/boot/syslinux/syslinux.cfg")) {
            return "extlinux";
        }
        if (tree.isDirectory("/boot/loader/entries") && !tree.list("/boot/loader/entries", 4).isEmpty()) return "systemd-boot";
        return "none";
    }

    /** A boot loader found on the ESP only: systemd-boot (loader/loader.conf), or GRUB's EFI build with its grub.cfg there. */
    private String espBootloader() throws IOException, StructureException {
        for (Known k : esps()) {
            Volume v = k.volume();
            if (v.lookup("/loader/loader.conf").isPresent()) return "systemd-boot";
            for (String vendor : v.list("/EFI", 32).map(Volume.Listing::names).orElse(List.of())) {
                if (v.lookup("/EFI/" + vendor + "/grub.cfg").isPresent()) return "grub2";
            }
        }
        return "none";
    }

    private List<Known> esps() {
        return known.stream().filter(k -> k.volume() instanceof FatVolume && isEsp(k)).toList();
    }

    private boolean isEsp(Known k) {
        try {
            return k.volume().lookup("/EFI").map(Volume.Node::isDirectory).orElse(false);
        } catch (IOException | StructureException e) {
            return false;
        }
    }

    /** The fallback boot loaders (and Windows' boot manager) present on the disk's EFI System Partitions. */
    private List<String> efiLoaders() throws IOException {
        Set<String> out = new LinkedHashSet<>();
        for (Known k : esps()) {
            roles.putIfAbsent(k.name(), "efi system partition");
            for (String loader : EFI_FALLBACK) {
                boolean present = guarded(k.name(), () -> k.volume().lookup("/" + loader).map(Volume.Node::isFile).orElse(false), false);
                if (present) out.add(loader);
            }
        }
        return new ArrayList<>(out);
    }

    /** ENA and NVMe for {@code kernel}: module files, or modules.builtin when they are built in. */
    private static OsFacts.Drivers drivers(FileTree tree, String kernel) throws IOException, StructureException {
        if (kernel == null) return new OsFacts.Drivers(null, false, false);
        String base = tree.isDirectory("/lib/modules/" + kernel) ? "/lib/modules/" + kernel : "/usr/lib/modules/" + kernel;
        String builtin = null;
        boolean[] found = new boolean[2];
        String[] modules = {"kernel/drivers/net/ethernet/amazon/ena/ena", "kernel/drivers/nvme/host/nvme"};
        for (int i = 0; i < modules.length; i++) {
            for (String suffix : MODULE_SUFFIXES) {
                if (tree.isFile(base + "/" + modules[i] + suffix)) {
                    found[i] = true;
                    break;
                }
            }
            if (!found[i]) {
                if (builtin == null) builtin = tree.read(base + "/modules.builtin", 1 << 20).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
                String module = modules[i] + ".ko";
                found[i] = builtin.lines().anyMatch(l -> l.strip().equals(module));
            }
        }
        return new OsFacts.Drivers(kernel, found[0], found[1]);
    }

    /**
     * The boot loaders on the EFI System Partition {@code esp} (EFI/BOOT/BOOTX64.EFI, ...); empty when it
     * holds no FAT file system.
     */
    public static Optional<List<String>> efiLoaders(BlockDevice esp, ReadBudget budget) throws IOException, StructureException {
        budget.charge(4096, "a superblock probe");
        if (!FatVolume.detect(esp.read(0, 512))) return Optional.empty();
        FatVolume fat = FatVolume.open(esp, budget);
        List<String> out = new ArrayList<>();
        for (String loader : EFI_FALLBACK) {
            if (fat.lookup("/" + loader).map(Volume.Node::isFile).orElse(false)) out.add(loader);
        }
        return Optional.of(out);
    }

    /** The UEFI fallback loader for an architecture: BOOTX64.EFI, BOOTAA64.EFI, BOOTIA32.EFI. */
    public static String fallbackLoader(String architecture) {
        return switch (architecture) {
            case "arm64" -> "EFI/BOOT/BOOTAA64.EFI";
            case "i386" -> "EFI/BOOT/BOOTIA32.EFI";
            default -> "EFI/BOOT/BOOTX64.EFI";
        };
    }

    // --- fstab ------------------------------------------------------------------------------------

    private Fstab fstab(Volume root, Known rootVolume) throws IOException {
        String text;
        try {
            text = root.readFile("/etc/fstab", SMALL_FILE).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
        } catch (StructureException e) {
            problems.add(Problem.of(rootVolume.name() + ": /etc/fstab", e));
            return Fstab.absent();
        }
        if (text == null) return Fstab.absent();
        List<Fstab.Entry> entries = new ArrayList<>();
        for (String[] f : Fstab.parse(text)) {
            Fstab.Reference ref = Fstab.reference(f[0]);
            entries.add(new Fstab.Entry(f[0], f[1], f[2], ref, resolve(f[0], ref, f[1].equals("/") ? rootVolume : null)));
        }
        return new Fstab(true, entries);
    }

    /** The volume an fstab device names, by UUID, label, LVM name or partition number. */
    private String resolve(String device, Fstab.Reference ref, Known root) {
        String value = Fstab.value(device);
        for (Known k : known) {
            boolean match = switch (ref) {
                case UUID -> k.volume().uuid().map(u -> u.equalsIgnoreCase(value)).orElse(false);
                case LABEL -> k.volume().label().map(l -> l.equals(value)).orElse(false);
                case LVM -> k.deviceNames().contains(device);
                case DEVICE_NAME -> k.partition() > 0 && k.partition() == Fstab.partitionNumber(device);
                default -> false;
            };
            if (match) return k.name();
        }
        // A PARTUUID cannot be checked without the partition table's GUIDs; for / it is the root found.
        return ref == Fstab.Reference.PARTUUID && root != null ? root.name() : null;
    }

    // --- Windows ----------------------------------------------------------------------------------

    /** The systemroot (Windows, WINNT, ...) holding System32/config and System32/cmd.exe, as virt-inspector checks it. */
    private static Optional<String> windowsRoot(Volume v) throws IOException, StructureException {
        for (String root : WINDOWS_SYSTEMROOTS) {
            if (v.lookup(root + "/System32/config").map(Volume.Node::isDirectory).orElse(false)
                    && v.lookup(root + "/System32/cmd.exe").map(Volume.Node::isFile).orElse(false)) {
                return Optional.of(root);
            }
        }
        return Optional.empty();
    }

    private OsFacts windows(Known k, String systemRoot) throws IOException, StructureException {
        Volume v = k.volume();
        String architecture = guarded(k.name() + ": cmd.exe", () -> v.readFile(systemRoot + "/System32/cmd.exe", 4096)
                .flatMap(Executables::pe).orElse(OsFacts.UNKNOWN), OsFacts.UNKNOWN);
        Map<String, String> cv = guarded(k.name() + ": the SOFTWARE registry hive", () -> currentVersion(v, systemRoot), Map.of());
        String build = cv.getOrDefault("CurrentBuild", cv.get("CurrentBuildNumber"));
        String version = cv.containsKey("CurrentMajorVersionNumber")
                ? cv.get("CurrentMajorVersionNumber") + "." + cv.getOrDefault("CurrentMinorVersionNumber", "0")
                : cv.get("CurrentVersion");
        if (version != null && build != null) version = version + "." + build;
        List<String> efi = efiLoaders();
        boolean bootmgr = false;
        for (Known other : known) {
            if (other.volume() instanceof NtfsVolume) {
                bootmgr |= guarded(other.name(), () -> other.volume().lookup("/bootmgr").isPresent(), false);
                if (bootmgr && !other.name().equals(k.name())) roles.putIfAbsent(other.name(), "windows system partition");
            }
        }
        String bootloader = bootmgr || efi.contains("EFI/Microsoft/Boot/bootmgfw.efi") ? "bootmgr" : "none";
        return new OsFacts(OsFacts.WINDOWS, "windows", version, cv.get("ProductName"), architecture, List.of(), bootloader, efi,
                null, null, k.name(), cv.get("EditionID"), cv.get("InstallationType"));
    }

    /** HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion's values, read at random from the hive file. */
    private Map<String, String> currentVersion(Volume v, String systemRoot) throws IOException, StructureException {
        Optional<Volume.Node> hiveFile = v.lookup(systemRoot + "/System32/config/SOFTWARE");
        if (hiveFile.isEmpty() || !hiveFile.get().isFile()) return Map.of();
        RegistryHive hive = RegistryHive.open(v.open(hiveFile.get()), budget);
        Optional<RegistryHive.Key> key = hive.key("Microsoft\\Windows NT\\CurrentVersion");
        if (key.isEmpty()) return Map.of();
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : List.of("ProductName", "CurrentBuild", "CurrentBuildNumber", "EditionID", "InstallationType",
                "CurrentVersion", "CurrentMajorVersionNumber", "CurrentMinorVersionNumber", "DisplayVersion")) {
            Optional<RegistryHive.Value> value = hive.value(key.get(), name);
            if (value.isEmpty()) continue;
            value.get().string().or(() -> value.get().number().map(String::valueOf)).ifPresent(s -> out.put(name, s));
        }
        return out;
    }
}
