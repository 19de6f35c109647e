/**
 * The image library: what EC2 VM import would make of a disk image, read from a few blocks of it.
 * Pure Java over a {@link dev.vm2ami.image.read.ByteRangeReader}: no AWS SDK, nothing of the pipeline
 * ({@code job}, {@code config}, {@code wiring}), so {@code ./vm2ami check} runs the same code on a file.
 *
 * <p>Layers, each using only those before it ({@code ImageLibraryLayeringTest} holds them to it):
 * <pre>
 *   finding    the vocabulary every layer reports in: Finding, FindingCode, Severity, MalformedImageException
 *   read       byte-range reading, the cache, bounds-checked Bytes and Region
 *   container  raw, VMDK, VHD, VHDX, OVA: the VirtualDisk inside a container
 *   partition  MBR and GPT: the Partition list of a VirtualDisk
 *   fs         what a partition holds: file-system identification, the FAT reader of the ESP
 *   verdict    the checks EC2's requirements call for, ImageInspector, the InspectionReport
 * </pre>
 */
package dev.vm2ami.image;
