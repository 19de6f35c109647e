package dev.vm2ami.image.partition;

/**
 * One entry of a disk's partition table: where it lies on the disk and what type the table gives it.
 * What the partition holds (its file system) is for {@code dev.vm2ami.image.fs} to find out.
 *
 * @param index    the partition number as Linux counts it (MBR: 1-4 primary, 5 on logical; GPT: the entry + 1)
 * @param scheme   {@link PartitionTables#MBR} or {@link PartitionTables#GPT}
 * @param type     the partition type as the table names it (e.g. {@code 0x83}, or a GPT type GUID)
 * @param offset   the first byte on the disk
 * @param size     the length in bytes
 * @param bootable the MBR's active flag, or GPT's legacy BIOS bootable attribute
 */
public record Partition(int index, String scheme, String type, long offset, long size, boolean bootable) {

    /** An MBR extended partition: a container of logical partitions, not a volume of its own. */
    public boolean extended() {
        return scheme.equals(PartitionTables.MBR) && (type.equals("0x05") || type.equals("0x0F") || type.equals("0x85"));
    }

    /** The byte after the partition's last one. */
    public long end() {
        return offset + size;
    }
}
