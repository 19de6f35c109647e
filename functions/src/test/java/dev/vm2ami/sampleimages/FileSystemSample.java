package dev.vm2ami.sampleimages;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The first blocks of a file system, as far as a superblock probe reads them: the magic where
 * blkid looks for it (the file systems behind it are not there: OS inspection finds them
 * damaged), for LVM2 a real physical volume, for the EFI System Partition a small FAT16 with EFI/BOOT/BOOTX64.EFI, and for
 * {@link #EXT4} a whole ext4 holding Ubuntu 22.04's root, which OS inspection finds importable.
 */
public enum FileSystemSample {
    NONE, EXT2, EXT3,
    /** A real ext4 (at most 8 MiB of the partition) holding Ubuntu 22.04's root ({@link SampleImages#linuxRoot}). */
    EXT4,
    XFS, BTRFS, JFS, NTFS, SWAP, LVM2, LUKS, REFS,
    /** FAT16 with EFI/BOOT/BOOTX64.EFI: what UEFI firmware (and EC2, for Linux) falls back to. */
    ESP_WITH_BOOTX64,
    /** FAT16 with EFI/ubuntu/grubx64.efi only: no fallback loader. */
    ESP_WITHOUT_BOOTX64,
    /** FAT16 with EFI/BOOT/BOOTAA64.EFI: the fallback loader of arm64 firmware. */
    ESP_WITH_BOOTAA64;

    private static final int SECTOR = 512;

    /** Writes the file system's first blocks into {@code image} at {@code offset}. */
    public void writeTo(SparseImage image, long offset, long size) {
        switch (this) {
            case NONE -> { }
            case EXT4 -> image.write(offset, SampleImages.linuxRoot(Math.min(size, 8L << 20)));
            case EXT2, EXT3 -> image.write(offset + 1024, extSuperblock(size));
            case XFS -> image.write(offset, ascii("XFSB"));
            case BTRFS -> image.write(offset + 65536 + 64, ascii("_BHRfS_M"));
            case JFS -> image.write(offset + 32768, ascii("JFS1"));
            case NTFS -> image.write(offset, bootSector("NTFS    "));
            case REFS -> image.write(offset, bootSector("ReFS\0\0\0\0"));
            case SWAP -> image.write(offset + 4086, ascii("SWAPSPACE2"));
            case LVM2 -> {
                // A real physical volume (label, metadata area) of a volume group without logical volumes.
                LvmBuilder vg = new LvmBuilder("vg0", 4L << 20, 1);
                vg.pv("pv0", size);
                image.write(offset, vg.header("pv0"));
            }
            case LUKS -> image.write(offset, new byte[]{'L', 'U', 'K', 'S', (byte) 0xBA, (byte) 0xBE, 0, 2});
            case ESP_WITH_BOOTX64 -> fat16(image, offset, size, "BOOT       ", "BOOTX64 EFI");
            case ESP_WITHOUT_BOOTX64 -> fat16(image, offset, size, "UBUNTU     ", "GRUBX64 EFI");
            case ESP_WITH_BOOTAA64 -> fat16(image, offset, size, "BOOT       ", "BOOTAA64EFI");
        }
    }

    /** Only the superblock of an ext2, ext3 or ext4 of {@code size} bytes, as far as blkid reads it. */
    byte[] extSuperblock(long size) {
        ByteBuffer b = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 128);                                // inodes
        b.putInt(4, (int) Math.min(Integer.MAX_VALUE, size / 4096)); // blocks
        b.putInt(24, 2);                                 // log2(block size) - 10: 4 KiB
        b.putShort(56, (short) 0xEF53);
        b.putInt(76, 1);                                 // dynamic revision
        b.putInt(92, this == EXT2 ? 0 : 0x4);            // compat: has_journal
        b.putInt(96, this == EXT4 ? 0x2 | 0x40 | 0x200 : 0x2); // incompat: filetype (+ extents, flex_bg)
        return b.array();
    }

    private static byte[] bootSector(String oemId) {
        byte[] b = new byte[SECTOR];
        b[0] = (byte) 0xEB;
        b[1] = 0x52;
        b[2] = (byte) 0x90;
        System.arraycopy(ascii(oemId), 0, b, 3, 8);
        b[510] = 0x55;
        b[511] = (byte) 0xAA;
        return b;
    }

    /** A FAT16 volume (2 KiB clusters) with EFI/{dir}/{file}: boot sector, two FATs, root directory, three clusters. */
    private static void fat16(SparseImage image, long offset, long size, String dir, String file) {
        int reserved = 4;
        int sectorsPerCluster = 4;
        int rootEntries = 512;
        long totalSectors = size / SECTOR;
        int fatSectors = (int) ((totalSectors / sectorsPerCluster * 2 + SECTOR - 1) / SECTOR);
        ByteBuffer bs = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        bs.put(0, new byte[]{(byte) 0xEB, 0x3C, (byte) 0x90});
        bs.put(3, ascii("mkfs.fat"));
        bs.putShort(11, (short) SECTOR);
        bs.put(13, (byte) sectorsPerCluster);
        bs.putShort(14, (short) reserved);
        bs.put(16, (byte) 2);
        bs.putShort(17, (short) rootEntries);
        if (totalSectors < 65536) bs.putShort(19, (short) totalSectors);
        else bs.putInt(32, (int) totalSectors);
        bs.put(21, (byte) 0xF8);
        bs.putShort(22, (short) fatSectors);
        bs.put(38, (byte) 0x29);
        bs.put(43, ascii("ESP        "));
        bs.put(54, ascii("FAT16   "));
        bs.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        image.write(offset, bs.array());

        byte[] fat = new byte[12];
        ByteBuffer f = ByteBuffer.wrap(fat).order(ByteOrder.LITTLE_ENDIAN);
        f.putShort(0, (short) 0xFFF8).putShort(2, (short) 0xFFFF);
        for (int c = 2; c <= 5; c++) f.putShort(c * 2, (short) 0xFFFF); // EFI, the subdirectory, the file: one cluster each
        long fat1 = offset + (long) reserved * SECTOR;
        image.write(fat1, fat);
        image.write(fat1 + (long) fatSectors * SECTOR, fat);

        long root = fat1 + 2L * fatSectors * SECTOR;
        long data = root + rootEntries * 32L;
        int clusterBytes = sectorsPerCluster * SECTOR;
        image.write(root, entry("EFI        ", 0x10, 2, 0));
        image.write(data, concat(entry(".          ", 0x10, 2, 0), entry("..         ", 0x10, 0, 0), entry(dir, 0x10, 3, 0)));
        byte[] content = "MZ fallback boot loader".getBytes(StandardCharsets.US_ASCII);
        image.write(data + clusterBytes, concat(entry(".          ", 0x10, 3, 0), entry("..         ", 0x10, 2, 0),
                entry(file, 0x20, 4, content.length)));
        image.write(data + 2L * clusterBytes, content);
    }

    private static byte[] entry(String name83, int attr, int cluster, int size) {
        ByteBuffer e = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        e.put(0, ascii(name83));
        e.put(11, (byte) attr);
        e.putShort(26, (short) cluster);
        e.putInt(28, size);
        return e.array();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
