package dev.vm2ami.image.os;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The operating systems EC2 VM import lists as supported, as data: the tables "Linux/Unix OS
 * (64-bit only)" and "Windows OS" of the VM Import/Export User Guide, section "Operating systems"
 * ({@link #SOURCE}). The only copy of those tables in vm2ami: findings, the README and tests quote
 * it from here.
 *
 * <p>The tables are older than what VM import accepts in practice (newer Ubuntu, Debian, RHEL
 * releases import fine), so falling outside them is a warning, never on its own a rejection.
 */
public final class SupportedOs {
    public static final String SOURCE = "the VM Import/Export User Guide, \"Operating systems\" "
            + "(shared/reference/vm-import-export-user-guide.txt)";

    /**
     * One row of the Linux table.
     *
     * @param distribution os-release's ID for it
     * @param product      the name the table gives it
     * @param versions     the versions as the table prints them
     * @param kernels      kernel version prefixes (3.10.0 matches 3.10.0-1160.el7.x86_64), or a suffix such as el5uek
     */
    public record LinuxRow(String distribution, String product, String versions, String from, String to, List<String> kernels) {
        public String describe() {
            return product + " " + versions + " (kernel " + String.join(", ", kernels) + ")";
        }

        boolean covers(String version) {
            return compare(version, from) >= 0 && compare(version, to) <= 0;
        }

        boolean allows(String kernel) {
            return kernels.stream().anyMatch(k -> k.startsWith("el") ? kernel.contains(k) : prefixOf(k, kernel));
        }
    }

    /** One row of the Windows table; {@code bits} lists 32 and/or 64. */
    public record WindowsRow(String product, String editions, List<Integer> bits) {
    }

    private static LinuxRow row(String id, String product, String from, String to, String... kernels) {
        String versions = from.equals(to) ? from : from + "–" + to;
        return new LinuxRow(id, product, versions, from, to, List.of(kernels));
    }

    public static final List<LinuxRow> LINUX = List.of(
            row("amzn", "Amazon Linux", "2", "2", "4.14", "4.19", "5.4", "5.10"),
            row("centos", "CentOS", "5.1", "5.11", "2.6.18"),
            row("centos", "CentOS", "6.1", "6.8", "2.6.32"),
            row("centos", "CentOS", "7.0", "7.9", "3.10.0"),
            row("centos", "CentOS", "8.0", "8.2", "4.18.0"),
            row("debian", "Debian", "6.0.0", "6.0.8", "2.6.32"),
            row("debian", "Debian", "7.0.0", "7.8.0", "3.2"),
            row("fedora", "Fedora", "18", "18", "3.2.5"),
            row("fedora", "Fedora", "19", "19", "3.9.5"),
            row("fedora", "Fedora", "20", "20", "3.11.10"),
            row("fedora", "Fedora", "21", "21", "3.17.4"),
            row("ol", "Oracle Linux", "5.10", "5.11", "el5uek"),
            row("ol", "Oracle Linux", "6.1", "6.10", "2.6.32", "2.6.39", "3.8.13", "4.1.12"),
            row("ol", "Oracle Linux", "7.0", "7.6", "3.10.0", "3.8.13", "4.1.12", "4.14.35", "4.15", "5.4.17"),
            row("rhel", "Red Hat Enterprise Linux", "5", "5", "2.6.18"),
            row("rhel", "Red Hat Enterprise Linux", "6", "6", "2.6.32"),
            row("rhel", "Red Hat Enterprise Linux", "7", "7", "3.10.0"),
            row("rhel", "Red Hat Enterprise Linux", "8.0", "8.6", "4.18.0"),
            // SLES: VERSION_ID is version.servicepack (12.4 = 12 SP4).
            row("sles", "SUSE Linux Enterprise Server", "11.1", "11.1", "2.6.32.12"),
            row("sles", "SUSE Linux Enterprise Server", "11.2", "11.2", "3.0.13"),
            row("sles", "SUSE Linux Enterprise Server", "11.3", "11.3", "3.0.76", "3.0.101"),
            row("sles", "SUSE Linux Enterprise Server", "11.4", "11.4", "3.0.101"),
            row("sles", "SUSE Linux Enterprise Server", "12", "12.0", "3.12.28"),
            row("sles", "SUSE Linux Enterprise Server", "12.1", "12.1", "3.12.49"),
            row("sles", "SUSE Linux Enterprise Server", "12.2", "12.3", "4.4"),
            row("sles", "SUSE Linux Enterprise Server", "12.4", "12.5", "4.12"),
            row("sles", "SUSE Linux Enterprise Server", "15", "15.1", "4.12"),
            row("sles", "SUSE Linux Enterprise Server", "15.2", "15.2", "5.3"),
            row("ubuntu", "Ubuntu", "12.04", "12.04", "3.2"),
            row("ubuntu", "Ubuntu", "12.10", "12.10", "3.5"),
            row("ubuntu", "Ubuntu", "13.04", "13.04", "3.8"),
            row("ubuntu", "Ubuntu", "13.10", "13.10", "3.11"),
            row("ubuntu", "Ubuntu", "14.04", "14.04", "3.13", "3.16", "3.19"),
            row("ubuntu", "Ubuntu", "14.10", "14.10", "3.16"),
            row("ubuntu", "Ubuntu", "15.04", "15.04", "3.19"),
            row("ubuntu", "Ubuntu", "16.04", "16.04", "4.2", "4.4", "4.8", "4.10", "4.15"),
            row("ubuntu", "Ubuntu", "16.10", "16.10", "4.8"),
            row("ubuntu", "Ubuntu", "17.04", "17.04", "4.10"),
            row("ubuntu", "Ubuntu", "18.04", "18.04", "4.15", "5.4"),
            row("ubuntu", "Ubuntu", "20.04", "20.04", "5.4"),
            row("ubuntu", "Ubuntu", "22.04", "22.04", "5.15"));

    /** Longer names first, so "Windows Server 2008 R2" is not taken for "Windows Server 2008". */
    public static final List<WindowsRow> WINDOWS = List.of(
            new WindowsRow("Windows Server 2003 R2", "Standard, Datacenter, Enterprise", List.of(32, 64)),
            new WindowsRow("Windows Server 2003", "Standard, Datacenter, Enterprise (Service Pack 1 or later)", List.of(32, 64)),
            new WindowsRow("Windows Server 2008 R2", "Standard, Web Server, Datacenter, Enterprise", List.of(64)),
            new WindowsRow("Windows Server 2008", "Standard, Datacenter, Enterprise", List.of(32, 64)),
            new WindowsRow("Windows Server 2012 R2", "Standard, Datacenter", List.of(64)),
            new WindowsRow("Windows Server 2012", "Standard, Datacenter", List.of(64)),
            new WindowsRow("Windows Server 2016", "Standard, Datacenter (not Nano Server)", List.of(64)),
            new WindowsRow("Windows Server 1709", "Standard, Datacenter", List.of(64)),
            new WindowsRow("Windows Server 1803", "Standard, Datacenter", List.of(64)),
            new WindowsRow("Windows Server 2019", "Standard, Datacenter", List.of(64)),
            new WindowsRow("Windows 7", "Home, Professional, Enterprise, Ultimate", List.of(32, 64)),
            new WindowsRow("Windows 8.1", "Professional, Enterprise", List.of(64)),
            new WindowsRow("Windows 8", "Home, Professional, Enterprise", List.of(32, 64)),
            new WindowsRow("Windows 10", "Home, Professional, Enterprise, Education", List.of(64)),
            new WindowsRow("Windows 11", "Home, Professional, Enterprise, Education (UEFI boot mode)", List.of(64)));

    private SupportedOs() {}

    /** How an OS compares with the table. */
    public enum Status { LISTED, KERNEL_NOT_LISTED, VERSION_NOT_LISTED, NOT_LISTED }

    /**
     * @param rows   the rows of that distribution (what the finding quotes), empty for NOT_LISTED
     * @param kernel the kernel that was compared (the newest), or null
     */
    public record Match(Status status, List<LinuxRow> rows, String kernel) {
        public String quote() {
            return rows.stream().map(LinuxRow::describe).reduce((a, b) -> a + "; " + b).orElse("");
        }
    }

    /** Whether the distribution, its version and its newest kernel are in the Linux table. */
    public static Match linux(String distribution, String version, List<String> kernels) {
        List<LinuxRow> family = LINUX.stream().filter(r -> r.distribution().equals(distribution)).toList();
        if (family.isEmpty()) return new Match(Status.NOT_LISTED, List.of(), null);
        String kernel = kernels.isEmpty() ? null : kernels.get(kernels.size() - 1);
        List<LinuxRow> rows = version == null ? List.of() : family.stream().filter(r -> r.covers(version)).toList();
        if (rows.isEmpty()) return new Match(Status.VERSION_NOT_LISTED, family, kernel);
        if (kernel != null && rows.stream().noneMatch(r -> r.allows(kernel))) return new Match(Status.KERNEL_NOT_LISTED, rows, kernel);
        return new Match(Status.LISTED, rows, kernel);
    }

    /** Whether os-release's ID names a distribution VM import knows at all. */
    public static boolean knownDistribution(String distribution) {
        return LINUX.stream().anyMatch(r -> r.distribution().equals(distribution));
    }

    /**
     * The Windows row for a ProductName. Windows 11 still calls itself "Windows 10" in
     * ProductName; its build number (22000 and up) tells.
     */
    public static Optional<WindowsRow> windows(String productName, String build) {
        String name = productName == null ? "" : productName.strip();
        if (name.startsWith("Windows 10") && parseInt(build) >= 22000) name = "Windows 11" + name.substring("Windows 10".length());
        String n = name;
        return WINDOWS.stream().filter(r -> n.equals(r.product()) || n.startsWith(r.product() + " ")).findFirst();
    }

    /** Versions compared component by component, numerically, over the components both have ("7" is within 7.0–7.9). */
    static int compare(String version, String bound) {
        List<Long> a = numbers(version);
        List<Long> b = numbers(bound);
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Long.compare(a.get(i), b.get(i));
            if (c != 0) return c;
        }
        return 0;
    }

    /** Orders kernel versions as people read them: 5.4.0-150 before 5.15.0-91 before 6.1.0-18. */
    public static final Comparator<String> VERSION_ORDER = (x, y) -> {
        List<Long> a = numbers(x);
        List<Long> b = numbers(y);
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Long.compare(a.get(i), b.get(i));
            if (c != 0) return c;
        }
        int c = Integer.compare(a.size(), b.size());
        return c != 0 ? c : x.compareTo(y);
    };

    private static List<Long> numbers(String s) {
        List<Long> out = new ArrayList<>();
        long n = -1;
        for (int i = 0; i < s.length() && out.size() < 16; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                n = (n < 0 ? 0 : n) * 10 + (c - '0');
                if (n > 1_000_000_000L) n = 1_000_000_000L;
            } else if (n >= 0) {
                out.add(n);
                n = -1;
            }
        }
        if (n >= 0) out.add(n);
        return out;
    }

    /** Whether {@code prefix} is {@code kernel}'s version up to a component boundary (5.15 matches 5.15.0-91, not 5.150). */
    static boolean prefixOf(String prefix, String kernel) {
        if (!kernel.startsWith(prefix)) return false;
        return kernel.length() == prefix.length() || !Character.isDigit(kernel.charAt(prefix.length()));
    }

    private static int parseInt(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
