/**
 * Random access to an image's bytes ({@link dev.vm2ami.image.read.ByteRangeReader}: a file, or ranged
 * GETs in {@code dev.vm2ami.inspect}), the block cache in front of it, and the bounds-checked helpers
 * every parser reads headers with ({@link dev.vm2ami.image.read.Bytes}, {@link dev.vm2ami.image.read.Region}).
 */
package dev.vm2ami.image.read;
