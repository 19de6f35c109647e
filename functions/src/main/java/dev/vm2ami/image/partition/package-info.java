/**
 * Partition tables (MBR with its logical partitions, GPT) read from a virtual disk into a list of
 * {@link dev.vm2ami.image.partition.Partition}s, and LVM2 ({@link dev.vm2ami.image.partition.Lvm}): physical
 * volumes' labels and metadata, and their logical volumes as devices.
 */
package dev.vm2ami.image.partition;
