package dev.vm2ami.sampleimages;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Small disk images with real headers, built in memory: for {@code ./vm2ami demo}, the tests and
 * the benchmarks (no binary test images are committed). Each method says what EC2 VM import makes
 * of the image it builds.
 */
public final class SampleImages {
    public static final int SECTOR = 512;

    private SampleImages() {}

    /** The UUID of the sample Linux root file system, which its fstab and grub.cfg name it by. */
    public static final String LINUX_ROOT_UUID = "0a1b2c3d-0000-4000-8000-000000000001";
    /** The smallest partition that holds the sample Linux root ({@link #linuxRoot}). */
    public static final long LINUX_ROOT_MIN = 512 * 1024;

    /** An ext4 of {@code size} bytes (512 KiB to 128 MiB) holding Ubuntu 22.04's root, as OS inspection reads it. */
    public static SparseImage linuxRoot(long size) {
        return Ext4Builder.build(LinuxRoot.ubuntu2204(LINUX_ROOT_UUID), size, java.util.UUID.fromString(LINUX_ROOT_UUID), "cloudimg-rootfs");
    }

    /**
     * A raw disk with an MBR (boot code included) and one Linux (0x83) partition from sector 1 to the
     * end: importable. From {@link #LINUX_ROOT_MIN} on, the partition holds a real ext4 with an
     * Ubuntu 22.04 root ({@link #linuxRoot}); smaller ones hold only an ext4 superblock, which the
     * partition checks accept and OS inspection finds damaged.
     */
    public static byte[] rawWithLinuxPartition(int sizeBytes) {
        byte[] disk = new byte[Math.max(sizeBytes, 2 * SECTOR)];
        writeMbr(disk, (byte) 0x83);
        long partition = disk.length - SECTOR;
        if (partition >= LINUX_ROOT_MIN) {
            byte[] fs = linuxRoot(Math.min(partition, 8L << 20) / 4096 * 4096).toByteArray();
            System.arraycopy(fs, 0, disk, SECTOR, fs.length);
        } else if (disk.length >= SECTOR + 2048) {
            byte[] superblock = ext4Superblock(partition);
            System.arraycopy(superblock, 0, disk, SECTOR + 1024, superblock.length);
        }
        return disk;
    }

    private static byte[] ext4Superblock(long partitionBytes) {
        return FileSystemSample.EXT4.extSuperblock(partitionBytes);
    }

    /** The UUID of the root file system of the cloud-ready samples ({@link #arm64DebianUefi}, {@link #alpine}). */
    public static final String CLOUD_ROOT_UUID = "0a1b2c3d-0000-4000-8000-0000000000c1";

    /**
     * A raw 8 MiB GPT disk with an EFI System Partition holding EFI/BOOT/BOOTAA64.EFI and an ext4 with
     * Debian 12 for arm64 (kernel 6.1 with ENA and NVMe, root by UUID in fstab): ImportImage refuses
     * arm64, but the disk boots on Graviton instances as it is, so it takes the snapshot path.
     */
    public static byte[] arm64DebianUefi() {
        return DiskBuilder.gpt(8L << 20).partition(DiskBuilder.ESP, 2L << 20, FileSystemSample.ESP_WITH_BOOTAA64)
                .partition(DiskBuilder.LINUX, 4L << 20, Ext4Builder.build(LinuxRoot.debian12(CLOUD_ROOT_UUID, Elf.AARCH64),
                        4L << 20, java.util.UUID.fromString(CLOUD_ROOT_UUID), "root"))
                .build().toByteArray();
    }

    /**
     * A raw 6 MiB MBR disk (boot code, one Linux partition) whose ext4 holds Alpine 3.19 (extlinux, a
     * -virt kernel with ENA and NVMe, root by UUID): a distribution VM import does not list, cloud-ready.
     */
    public static byte[] alpine() {
        return DiskBuilder.mbr(6L << 20).partition("0x83", 4L << 20, Ext4Builder.build(LinuxRoot.alpine319(CLOUD_ROOT_UUID),
                4L << 20, java.util.UUID.fromString(CLOUD_ROOT_UUID), "root")).build().toByteArray();
    }

    /** A raw disk of zeros: no partition table, which EC2 fails with "No valid partitions". */
    public static byte[] rawWithoutPartitionTable(int sizeBytes) {
        return new byte[sizeBytes];
    }

    /**
     * A whole stream-optimized VMDK (the only VMDK EC2 takes) of {@code capacitySectors} sectors:
     * header and embedded descriptor, deflated grains holding the MBR and the disk's one Linux
     * partition (an Ubuntu root from 1 MiB on, see {@link #rawWithLinuxPartition}), grain table and
     * directory, footer and end-of-stream marker.
     */
    public static byte[] streamOptimizedVmdkHeader(long capacitySectors) {
        long bytes = capacitySectors * SECTOR;
        int head = (int) Math.min(bytes, 2L << 20);
        SparseImage disk = new SparseImage(bytes).write(0, rawWithLinuxPartition(head));
        if (bytes > head) disk.write(446 + 12, le32(capacitySectors - 1)); // the partition runs to the end of the disk
        return Containers.streamOptimizedVmdk(disk).toByteArray();
    }

    private static byte[] le32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
    }

    /** A monolithicSparse (hosted, e.g. VMware Workstation) VMDK: EC2 fails it as an unsupported VMDK format. */
    public static byte[] monolithicSparseVmdkHeader(long capacitySectors) {
        return sparseVmdk(capacitySectors, "monolithicSparse", 1 | 2, (short) 0);
    }

    /** A fixed VHD: the raw disk followed by the 512-byte "conectix" footer. */
    public static byte[] fixedVhd(byte[] rawDisk) {
        byte[] vhd = new byte[rawDisk.length + SECTOR];
        System.arraycopy(rawDisk, 0, vhd, 0, rawDisk.length);
        System.arraycopy(vhdFooter(rawDisk.length, 2), 0, vhd, rawDisk.length, SECTOR);
        return vhd;
    }

    private static void writeMbr(byte[] disk, byte partitionType) {
        // Boot code stub, one partition entry from sector 1 to the end of the disk, and the signature.
        disk[0] = (byte) 0xEB;
        disk[1] = (byte) 0x63;
        int entry = 446;
        disk[entry] = (byte) 0x80; // active
        disk[entry + 4] = partitionType;
        ByteBuffer b = ByteBuffer.wrap(disk).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(entry + 8, 1);
        b.putInt(entry + 12, disk.length / SECTOR - 1);
        disk[510] = 0x55;
        disk[511] = (byte) 0xAA;
    }

    /** A sparse VMDK's header and embedded descriptor alone, without grain directory or grains. */
    private static byte[] sparseVmdk(long capacitySectors, String createType, int flags, short compressAlgorithm) {
        String descriptor = "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
                + "createType=\"" + createType + "\"\n\n# Extent description\n"
                + "RW " + capacitySectors + " SPARSE \"disk.vmdk\"\n\n# The Disk Data Base\n#DDB\n\n"
                + "ddb.virtualHWVersion = \"4\"\nddb.adapterType = \"lsilogic\"\n";
        byte[] descriptorBytes = descriptor.getBytes(StandardCharsets.US_ASCII);
        long descriptorOffset = 1;
        long descriptorSectors = 20;
        byte[] image = new byte[(int) ((descriptorOffset + descriptorSectors + 1) * SECTOR)];
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, "KDMV".getBytes(StandardCharsets.US_ASCII));
        b.putInt(4, 3);                    // version
        b.putInt(8, flags);
        b.putLong(12, capacitySectors);
        b.putLong(20, 128);                // grain size in sectors
        b.putLong(28, descriptorOffset);
        b.putLong(36, descriptorSectors);
        b.putInt(44, 512);                 // grain table entries per grain table
        b.putLong(48, 0);                  // redundant grain directory offset
        b.putLong(56, 0);                  // grain directory offset (at the end for stream-optimized)
        b.putLong(64, descriptorOffset + descriptorSectors + 1);
        image[72] = 0;                     // unclean shutdown
        image[73] = '\n';
        image[74] = ' ';
        image[75] = '\r';
        image[76] = '\n';
        b.putShort(77, compressAlgorithm);
        System.arraycopy(descriptorBytes, 0, image, (int) (descriptorOffset * SECTOR), descriptorBytes.length);
        return image;
    }

    /** A VHD footer; diskType 2 = fixed, 3 = dynamic, 4 = differencing. */
    public static byte[] vhdFooter(long size, int diskType) {
        byte[] footer = new byte[SECTOR];
        ByteBuffer b = ByteBuffer.wrap(footer).order(ByteOrder.BIG_ENDIAN);
        b.put(0, "conectix".getBytes(StandardCharsets.US_ASCII));
        b.putInt(8, 2);                    // features: reserved bit
        b.putInt(12, 0x00010000);          // format version
        b.putLong(16, diskType == 2 ? -1L : SECTOR); // data offset
        b.put(28, "vm2a".getBytes(StandardCharsets.US_ASCII));
        b.putInt(36, 0x5769326B);          // creator host OS "Wi2k"
        b.putLong(40, size);               // original size
        b.putLong(48, size);               // current size
        long sectors = size / SECTOR;
        int cylinders = (int) Math.min(65535, sectors / (16 * 63));
        b.putShort(56, (short) cylinders);
        footer[58] = 16;
        footer[59] = 63;
        b.putInt(60, diskType);
        int checksum = 0;
        for (byte x : footer) checksum += x & 0xFF;
        b.putInt(64, ~checksum);
        return footer;
    }
}
