/**
 * What a partition holds: file-system identification from superblock magic, and the FAT reader that
 * looks for the fallback boot loader on an EFI System Partition.
 */
package dev.vm2ami.image.fs;
