/**
 * Disk containers: raw, VMDK, VHD, VHDX and OVA. Each checks what EC2 requires of the container and
 * opens the {@link dev.vm2ami.image.container.VirtualDisk} inside, the disk as the guest sees it.
 */
package dev.vm2ami.image.container;
