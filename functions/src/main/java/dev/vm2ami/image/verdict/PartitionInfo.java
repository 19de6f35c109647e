package dev.vm2ami.image.verdict;

/**
 * A partition of the inspected disk as the report (and the job document) shows it: the table's entry
 * ({@link dev.vm2ami.image.partition.Partition}) with the file system found in it.
 *
 * @param scheme     MBR or GPT
 * @param type       the partition type as the table names it (e.g. {@code 0x83}, or a GPT type GUID)
 * @param fileSystem what the superblock magic says (ext4, xfs, ntfs, swap, lvm2, vfat, ...) or "unknown"
 */
public record PartitionInfo(int index, String scheme, String type, long offset, long size, String fileSystem,
                            boolean bootable) {
}
