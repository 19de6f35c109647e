/** Partition tables (MBR with its logical partitions, GPT) read from a virtual disk into a list of {@link dev.vm2ami.image.partition.Partition}s. */
package dev.vm2ami.image.partition;
