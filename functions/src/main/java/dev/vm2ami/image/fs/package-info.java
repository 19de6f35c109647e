/**
 * What a partition holds: file-system identification from superblock magic ({@link dev.vm2ami.image.fs.FileSystems}),
 * and read-only readers of ext2/3/4, XFS, NTFS and FAT behind one {@link dev.vm2ami.image.fs.Volume} API (look up a
 * path following links, list a directory, read a file, each bounded). Btrfs and JFS are identified, not read.
 */
package dev.vm2ami.image.fs;
