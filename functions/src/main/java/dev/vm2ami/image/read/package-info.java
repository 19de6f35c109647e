/**
 * Random access to an image's bytes ({@link dev.vm2ami.image.read.ByteRangeReader}: a file, or ranged
 * GETs in {@code dev.vm2ami.inspect}), the block cache in front of it, and the bounds-checked helpers
 * every parser reads headers with ({@link dev.vm2ami.image.read.Bytes}, {@link dev.vm2ami.image.read.Region}).
 * The volume readers (LVM, file systems, registry) read a {@link dev.vm2ami.image.read.BlockDevice}
 * with {@link dev.vm2ami.image.read.Bin}, whose field reads throw {@link dev.vm2ami.image.read.StructureException}
 * where {@code Bytes} answers 0: a directory entry or extent taken from damaged bytes must stop the
 * reading of that structure, not be read as zeros. {@link dev.vm2ami.image.read.ReadBudget} bounds
 * what they may ask for.
 */
package dev.vm2ami.image.read;
