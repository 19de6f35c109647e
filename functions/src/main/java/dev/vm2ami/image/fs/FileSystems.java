package dev.vm2ami.image.fs;

import dev.vm2ami.image.container.VirtualDisk;
import dev.vm2ami.image.finding.MalformedImageException;
import dev.vm2ami.image.read.Bytes;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;

/** Names the file system at the start of a partition from its superblock magic, in blkid's words. */
public final class FileSystems {
    public static final String UNKNOWN = "unknown";
    /** EC2's facts about file systems, shared with the local cloud's ImportImage simulator. */
    static final String FACTS = "ec2-file-systems.properties";
    private static final Properties EC2 = facts();
    /** What EC2 VM import reads to find and modify the OS (Linux: ext2/3/4, Btrfs, JFS, XFS; Windows: NTFS). */
    public static final Set<String> SUPPORTED_FOR_OS = list("readable");
    /** Containers whose contents EC2 reads but vm2ami does not (a volume group's logical volumes). */
    public static final Set<String> CONTAINERS = list("containers");
    public static final Set<String> ENCRYPTED = Set.of("luks", "bitlocker");
    /** The first read covers ext, XFS, NTFS, FAT, swap, LVM, LUKS and md superblocks. */
    public static final int FIRST_READ = 8192;

    private FileSystems() {}

    private static Properties facts() {
        Properties p = new Properties();
        try (InputStream in = FileSystems.class.getResourceAsStream(FACTS)) {
            if (in == null) throw new IllegalStateException(FACTS + " is missing from the classpath");
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(FACTS + " cannot be read", e);
        }
        return p;
    }

    private static Set<String> list(String key) {
        String value = EC2.getProperty(key);
        if (value == null || value.isBlank()) throw new IllegalStateException(FACTS + " has no " + key);
        return Set.copyOf(Arrays.stream(value.split(",")).map(String::strip).toList());
    }

    /** The file system starting at {@code offset} of the disk; at most three small reads. */
    public static String probe(VirtualDisk disk, long offset) throws IOException, MalformedImageException {
        String found = identify(disk.read(offset, FIRST_READ));
        if (!found.equals(UNKNOWN)) return found;
        if (Bytes.has(disk.read(offset + 32768, 4), 0, "JFS1")) return "jfs";
        if (Bytes.has(disk.read(offset + 65536 + 64, 8), 0, "_BHRfS_M")) return "btrfs";
        return UNKNOWN;
    }

    /** What the first bytes of a partition (up to {@link #FIRST_READ}) say it holds. */
    public static String identify(byte[] b) {
        if (Bytes.u16le(b, 1024 + 56) == 0xEF53) return ext(b);
        if (Bytes.has(b, 0, "XFSB")) return "xfs";
        if (Bytes.has(b, 3, "NTFS    ")) return "ntfs";
        if (Bytes.has(b, 3, "EXFAT   ")) return "exfat";
        if (Bytes.has(b, 3, "-FVE-FS-")) return "bitlocker";
        if (Bytes.has(b, 3, "ReFS")) return "refs";
        if (Bytes.has(b, 0, new byte[]{'L', 'U', 'K', 'S', (byte) 0xBA, (byte) 0xBE})) return "luks";
        if (Bytes.has(b, 4086, "SWAPSPACE2") || Bytes.has(b, 4086, "SWAP-SPACE")) return "swap";
        for (int sector = 0; sector < 4; sector++) {
            if (Bytes.has(b, sector * 512, "LABELONE") && Bytes.has(b, sector * 512 + 24, "LVM2 001")) return "lvm2";
        }
        if (Bytes.u32le(b, 4096) == 0xA92B4EFCL || Bytes.u32le(b, 0) == 0xA92B4EFCL) return "linux_raid_member";
        if (Bytes.u16le(b, 510) == 0xAA55 && (Bytes.has(b, 82, "FAT32   ") || Bytes.has(b, 54, "FAT1"))) return "vfat";
        return UNKNOWN;
    }

    private static String ext(byte[] b) {
        long compat = Bytes.u32le(b, 1024 + 92);
        long incompat = Bytes.u32le(b, 1024 + 96);
        long roCompat = Bytes.u32le(b, 1024 + 100);
        // extents, 64bit, flex_bg / huge_file, gdt_csum, dir_nlink, extra_isize, metadata_csum
        if ((incompat & (0x40 | 0x80 | 0x200)) != 0 || (roCompat & (0x8 | 0x10 | 0x20 | 0x40 | 0x400)) != 0) return "ext4";
        if ((compat & 0x4) != 0) return "ext3"; // has_journal
        return "ext2";
    }
}
