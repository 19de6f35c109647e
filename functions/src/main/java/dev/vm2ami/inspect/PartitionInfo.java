package dev.vm2ami.inspect;

/**
 * A partition found in the disk's partition table.
 *
 * @param scheme     MBR or GPT
 * @param type       the partition type as the table names it (e.g. {@code 0x83}, or a GPT type GUID)
 * @param fileSystem what the superblock magic says (ext4, xfs, ntfs, swap, lvm2, vfat, ...) or "unknown"
 */
public record PartitionInfo(int index, String scheme, String type, long offset, long size, String fileSystem,
                            boolean bootable) {
}
