/**
 * The verdict: {@link dev.vm2ami.image.verdict.ImageInspector} sniffs the format, opens the container,
 * reads the boot disk's partitions and file systems, applies EC2's requirements (sizes, boot mode,
 * file systems: {@code DiskChecks}) and says ACCEPT, WARN or REJECT in an
 * {@link dev.vm2ami.image.verdict.InspectionReport}.
 */
package dev.vm2ami.image.verdict;
