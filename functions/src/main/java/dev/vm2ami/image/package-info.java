/**
 * The image library: what EC2 VM import would make of a disk image, read from a few blocks of it.
 * Pure Java over a {@link dev.vm2ami.image.read.ByteRangeReader}: no AWS SDK, nothing of the pipeline
 * ({@code job}, {@code config}, {@code wiring}), so {@code ./vm2ami check} runs the same code on a file.
 *
 * <p>Layers, each using only those before it ({@code PackageGraphTest} holds them to it):
 * <pre>
 *   finding    the vocabulary every layer reports in: Finding, FindingCode, Severity, MalformedImageException
 *   read       byte-range reading, the cache, bounds-checked Bytes and Region; BlockDevice and
 *              StructureException, what the volume readers read through and report damage with
 *   container  raw, VMDK, VHD, VHDX, OVA (and qcow2, VDI, hosted VMDK, compressed images): the VirtualDisk inside a container
 *   convert    converting the images EC2 does not take into ones it does
 *   partition  MBR and GPT: the Partition list of a VirtualDisk; LVM2 physical and logical volumes
 *   fs         what a partition holds: file-system identification; read-only ext2/3/4, XFS, NTFS, FAT
 *   os.windows the registry hive reader
 *   os         the operating systems on a disk (virt-inspector's questions), the supported-OS table
 *   verdict    the checks EC2's requirements call for, ImageInspector, the InspectionReport
 * </pre>
 */
package dev.vm2ami.image;
