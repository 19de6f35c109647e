package dev.vm2ami.image.os;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * /etc/fstab as VM import reads it: what each entry names its device by (EC2 rewrites kernel device
 * names such as /dev/sda1 to UUIDs, and disables entries of network and host-shared file systems).
 *
 * @param present whether /etc/fstab exists and could be read
 * @param entries its entries, in file order (at most {@link #MAX_ENTRIES})
 */
public record Fstab(boolean present, List<Entry> entries) {
    static final int MAX_ENTRIES = 256;

    /** What names the device: stable references survive a move to other hardware, kernel device names may not. */
    public enum Reference {
        UUID, LABEL, PARTUUID, PARTLABEL, LVM, DEVICE_NAME, OTHER;

        public boolean stable() {
            return this != DEVICE_NAME;
        }
    }

    /**
     * One line of fstab.
     *
     * @param device     the first field as written (UUID=..., /dev/sda1, tmpfs)
     * @param reference  what kind of name it is
     * @param resolvedTo the volume on this disk it names ("partition 2", "vg0/root"), or null when none matched
     */
    public record Entry(String device, String mountPoint, String type, Reference reference, String resolvedTo) {
        /** Network and host-shared file systems, which VM import disables in fstab. */
        public boolean nonStandardType() {
            return NON_STANDARD_TYPES.contains(type.toLowerCase(Locale.ROOT));
        }

        /** Entries that name a block device (not tmpfs, proc, bind mounts, network shares). */
        public boolean blockDevice() {
            return reference != Reference.OTHER && !nonStandardType();
        }
    }

    /** The guide names cifs, smbfs, vboxsf and sshfs "etc."; the others are of the same kind (network or host-shared). */
    public static final Set<String> NON_STANDARD_TYPES = Set.of("cifs", "smbfs", "smb3", "vboxsf", "sshfs", "fuse.sshfs",
            "vmhgfs", "fuse.vmhgfs-fuse", "9p", "virtiofs", "davfs", "nfs", "nfs4", "glusterfs", "ceph", "fuse.glusterfs");

    static final Pattern KERNEL_NAME = Pattern.compile(
            "/dev/(([shvx]v?d[a-z]+\\d*)|(nvme\\d+n\\d+(p\\d+)?)|(mmcblk\\d+(p\\d+)?)|(disk/by-(path|id)/.*))");

    public static Fstab absent() {
        return new Fstab(false, List.of());
    }

    public Fstab {
        entries = List.copyOf(entries);
    }

    /** The entry mounted at {@code /}. */
    public java.util.Optional<Entry> root() {
        return entries.stream().filter(e -> e.mountPoint().equals("/")).findFirst();
    }

    /** The raw entries of fstab's text: device, mount point, type (resolution comes later). */
    static List<String[]> parse(String text) {
        List<String[]> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            String[] f = l.split("\\s+");
            if (f.length < 3) continue;
            out.add(new String[]{unescape(f[0]), unescape(f[1]), f[2]});
            if (out.size() >= MAX_ENTRIES) break;
        }
        return out;
    }

    /** fstab writes spaces in names as \040. */
    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t");
    }

    static Reference reference(String device) {
        String d = device.strip();
        String upper = d.toUpperCase(Locale.ROOT);
        if (upper.startsWith("UUID=") || d.startsWith("/dev/disk/by-uuid/")) return Reference.UUID;
        if (upper.startsWith("LABEL=") || d.startsWith("/dev/disk/by-label/")) return Reference.LABEL;
        if (upper.startsWith("PARTUUID=") || d.startsWith("/dev/disk/by-partuuid/")) return Reference.PARTUUID;
        if (upper.startsWith("PARTLABEL=") || d.startsWith("/dev/disk/by-partlabel/")) return Reference.PARTLABEL;
        if (KERNEL_NAME.matcher(d).matches()) return Reference.DEVICE_NAME;
        if (d.startsWith("/dev/mapper/") || d.matches("/dev/[^/]+/[^/]+") || d.startsWith("/dev/md")) return Reference.LVM;
        return Reference.OTHER;
    }

    /** The value after UUID=, LABEL=, ... or the last path component of /dev/disk/by-*. */
    static String value(String device) {
        int eq = device.indexOf('=');
        String v = eq >= 0 && !device.startsWith("/") ? device.substring(eq + 1) : device.substring(device.lastIndexOf('/') + 1);
        return v.replace("\"", "");
    }

    /** The partition number in a kernel device name (/dev/sda2, /dev/nvme0n1p2: 2), or -1. */
    static int partitionNumber(String device) {
        java.util.regex.Matcher m = Pattern.compile("/dev/(?:[shvx]v?d[a-z]+|nvme\\d+n\\d+p|mmcblk\\d+p)(\\d+)").matcher(device);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }
}
