package dev.vm2ami.image.finding;

import java.util.Locale;

/**
 * The catalogue of everything pre-flight inspection can report: one place for each code's
 * severity, message and fix. Messages are {@link String#format} templates filled with the
 * specifics of the image; fixes come from the VM Import/Export requirements and troubleshooting
 * tables (shared/reference/vm-import-export-user-guide.txt). {@code ./vm2ami check --list-codes}
 * prints this catalogue, which is where the README's table comes from.
 */
public enum FindingCode {
    // --- The file as a whole ------------------------------------------------------------------
    EMPTY_IMAGE(Severity.ERROR,
            "The image is empty (0 bytes).",
            "Upload the whole disk image; EC2 refuses an empty one with 'Parameter disk-image-size=0 has an invalid format'."),
    UNREADABLE(Severity.ERROR,
            "The image could not be read: %s.",
            "Check that the object exists and that vm2ami may read it, then drop it again."),
    OBJECT_NOT_FOUND(Severity.ERROR,
            "The object %s is gone: it was deleted or overwritten before it could be imported.",
            "Upload the image again."),
    INVALID_OPTIONS(Severity.ERROR,
            "The image's options are invalid: %s.",
            "Fix the sidecar manifest (%2$s) or the x-amz-meta-vm2ami-* metadata, then upload the image again."),
    UNKNOWN_FORMAT(Severity.ERROR,
            "The image is none of the formats EC2 VM import takes (OVA, VMDK, VHD, VHDX, raw): no known header was found in its first or last bytes.",
            "Export the VM as OVA, stream-optimized VMDK, VHD/VHDX or a raw disk (e.g. qemu-img convert -O raw in.img out.raw)."),
    UNSUPPORTED_FORMAT(Severity.ERROR,
            "The image is a %s, which EC2 VM import does not take.",
            "EC2 takes OVA, stream-optimized VMDK, VHD/VHDX and raw disks: %2$s"),
    COMPRESSED_IMAGE(Severity.ERROR,
            "The image is a %s archive, not a disk image: EC2 VM import does not decompress it.",
            "Decompress it and upload the disk image inside (OVA, VMDK, VHD, VHDX or raw) instead."),
    TEXT_FILE(Severity.ERROR,
            "The file is text, not a disk image.",
            "Upload the disk image itself; a VMDK descriptor or OVF alone is not enough (export an OVA or a stream-optimized VMDK)."),
    OVF_DESCRIPTOR_ONLY(Severity.ERROR,
            "The file is an OVF descriptor without its disks.",
            "Package the descriptor and its disks into one OVA (the .ovf first: tar -cf vm.ova vm.ovf vm-disk1.vmdk) and upload that."),
    EXTENSION_MISMATCH(Severity.WARNING,
            "The name says %s but the content is %s.",
            "Rename the file to end in .%3$s; vm2ami imports it as %2$s, the format its bytes have."),
    IMAGE_TRUNCATED(Severity.ERROR,
            "The image is shorter than its own headers say: %s.",
            "The upload is incomplete or the file was cut: upload the whole file again and compare its size and checksum with the original."),
    INSPECTION_INCOMPLETE(Severity.WARNING,
            "vm2ami could not finish inspecting the image: %s.",
            "Nothing to change if the image is known to be good; otherwise re-export it. The import itself may still succeed."),

    // --- VMDK ---------------------------------------------------------------------------------
    VMDK_NOT_STREAM_OPTIMIZED(Severity.ERROR,
            "The VMDK is %s, not stream-optimized: EC2 fails it with 'Disk validation failed [Unsupported VMDK File Format]'.",
            "Export the VM as OVF/OVA from vSphere (which writes stream-optimized disks), or convert the disk: qemu-img convert -O vmdk -o subformat=streamOptimized in.vmdk out.vmdk."),
    VMDK_DESCRIPTOR_ONLY(Severity.ERROR,
            "The VMDK is only a descriptor (%s); its data is in %s, which is not part of the upload.",
            "Convert the disk into one stream-optimized VMDK (qemu-img convert -O vmdk -o subformat=streamOptimized disk.vmdk out.vmdk), or export the VM as OVA."),
    VMDK_SNAPSHOT_DELTA(Severity.ERROR,
            "The VMDK is a snapshot (delta) disk that depends on a parent disk (%s).",
            "Delete or consolidate the VM's snapshots, then export the VM again as OVF/OVA."),
    VMDK_UNSUPPORTED_COMPRESSION(Severity.ERROR,
            "The stream-optimized VMDK uses compression algorithm %s: EC2 fails it with 'File uses unsupported compression algorithm'.",
            "Create the VMDK with the OVF export (deflate-compressed grains), not as part of another format; or convert it with qemu-img convert -O vmdk -o subformat=streamOptimized."),
    VMDK_CORRUPT(Severity.ERROR,
            "The VMDK is damaged: %s.",
            "EC2 fails damaged VMDKs (e.g. 'Uncompressed data has invalid length'): repair or recreate the VMDK, or export the VM again."),

    // --- VHD / VHDX ---------------------------------------------------------------------------
    VHD_DIFFERENCING(Severity.ERROR,
            "The %s is a differencing disk: its data depends on a parent disk that is not part of the upload (EC2 fails it with 'Footers not identical').",
            "Merge the differencing disk into its parent (Hyper-V: Edit Disk > Merge; PowerShell: Merge-VHD), or convert it to a fixed or dynamic disk (Convert-VHD), and upload the result."),
    VHD_CORRUPT(Severity.ERROR,
            "The VHD is damaged: %s.",
            "Export the VM's disk again (fixed or dynamic VHD), or convert it: qemu-img convert -O vpc -o subformat=fixed in.vhd out.vhd."),
    VHDX_CORRUPT(Severity.ERROR,
            "The VHDX is damaged: %s.",
            "Export the VM's disk again, or repair it by converting it in Hyper-V (Convert-VHD) or with qemu-img convert -O vhdx."),
    VHDX_LOG_PENDING(Severity.WARNING,
            "The VHDX has a log that was never replayed: the disk was not closed cleanly and what it holds may not be what the VM last wrote.",
            "Shut the VM down cleanly, or attach and detach the VHDX once in Hyper-V (Mount-VHD, Dismount-VHD) so the log is replayed, then upload it again."),

    // --- Conversion: qcow2, VDI, sparse VMDK and compressed images, which vm2ami converts ---------
    QCOW2_BACKING_FILE(Severity.ERROR,
            "The qcow2 image is an overlay on the backing file '%s': part of its data is in that file, which is not part of the upload.",
            "Merge the chain into one image (qemu-img convert -O qcow2 overlay.qcow2 whole.qcow2) and upload that."),
    QCOW2_ENCRYPTED(Severity.ERROR,
            "The qcow2 image is encrypted (%s): its data cannot be read without the key, by vm2ami or by EC2.",
            "Decrypt it (qemu-img convert --object secret,id=s,file=KEYFILE --image-opts driver=qcow2,encrypt.key-secret=s,file.filename=disk.qcow2 -O qcow2 plain.qcow2) and upload the result; use EBS encryption on AWS instead."),
    QCOW2_UNSUPPORTED_FEATURE(Severity.ERROR,
            "The qcow2 image uses %s, which vm2ami cannot convert.",
            "Rewrite it as a plain qcow2 (qemu-img convert -O qcow2 disk.qcow2 plain.qcow2) and upload that."),
    QCOW2_CORRUPT(Severity.ERROR,
            "The qcow2 image is damaged: %s.",
            "Check and repair it (qemu-img check -r all disk.qcow2), or export the disk again."),
    VDI_DIFFERENCING(Severity.ERROR,
            "The VDI is a %s image: its data depends on a parent image that is not part of the upload.",
            "Clone the VM's current state into one image (VBoxManage clonemedium disk.vdi whole.vdi) and upload that."),
    VDI_CORRUPT(Severity.ERROR,
            "The VDI is damaged: %s.",
            "Clone the disk again (VBoxManage clonemedium disk.vdi copy.vdi) or check it with qemu-img check, then upload it again."),
    VMDK_EXTENT_MISSING(Severity.ERROR,
            "The VMDK descriptor names extent files that are not beside it: %s.",
            "Upload every extent file the descriptor names into the same folder (S3 prefix) before the descriptor, or convert the disk into one file (qemu-img convert -O vmdk -o subformat=streamOptimized disk.vmdk one.vmdk)."),
    VMDK_EXTENT_ALONE(Severity.ERROR,
            "The file is one extent of a split VMDK (%s), not a whole disk: the descriptor that names all the extents was not given.",
            "Upload the descriptor (the small .vmdk text file that names the extents) together with every extent file in the same folder (S3 prefix)."),
    COMPRESSED_STREAM_CORRUPT(Severity.ERROR,
            "The %s-compressed image cannot be decompressed: %s.",
            "The upload is incomplete or damaged: test the archive (gzip -t, xz -t, zstd -t), compress the disk image again if needed, and upload it again."),
    NOT_CONVERTIBLE(Severity.ERROR,
            "The image is %s, which vm2ami does not convert.",
            "%2$s"),
    CONVERSION_TOO_LARGE(Severity.ERROR,
            "The image cannot be converted within the converter's limits: %s.",
            "Upload the disk uncompressed (qcow2, VDI and sparse VMDK convert without temporary space), or raise the converter's temporary space."),

    // --- OVA ----------------------------------------------------------------------------------
    OVA_OVF_NOT_FIRST(Severity.ERROR,
            "The OVA's first member is '%s', not the .ovf descriptor: EC2 fails it with 'Disk validation failed [Unsupported OVA format]'.",
            "Repack the archive with the descriptor first (tar -cf vm.ova vm.ovf vm.mf vm-disk1.vmdk), or export it again with ovftool or vSphere."),
    OVA_CORRUPT(Severity.ERROR,
            "The OVA's tar archive is damaged: %s.",
            "Export the VM again as OVA (ovftool, vSphere, VirtualBox), or repack it with tar."),
    OVA_OVF_INVALID(Severity.ERROR,
            "The OVA's descriptor '%s' cannot be read: %s.",
            "Export the VM again as OVA; the .ovf inside must be a well-formed OVF document."),
    OVA_NO_DISKS(Severity.ERROR,
            "The OVA's descriptor lists no disks.",
            "Export the VM again with its disks attached."),
    OVA_TOO_MANY_DISKS(Severity.ERROR,
            "The OVA has %d disks; EC2 VM import fails VMs with more than 21 volumes.",
            "Detach the extra disks before exporting (21 at most) and import them separately with ImportSnapshot."),
    OVA_DISK_MISSING(Severity.ERROR,
            "The OVA's descriptor names disk '%s' (file '%s'), which is not in the archive.",
            "Export the VM again as one OVA so that every disk file is inside, or fix the References in the .ovf."),

    // --- Inside the disk ----------------------------------------------------------------------
    DISK_SIZE_ZERO(Severity.ERROR,
            "The disk's size is 0 bytes.",
            "Export the disk again; EC2 refuses it with 'Parameter disk-image-size=0 has an invalid format'."),
    DISK_TOO_LARGE(Severity.ERROR,
            "The disk is %s; EC2 VM import takes disks smaller than 16 TiB.",
            "Shrink the disk (and its last partition) below 16 TiB, or move data to a separate volume."),
    DISK_NEEDS_MANIFEST(Severity.WARNING,
            "The disk is %s; EC2 VM import needs a manifest file for disks larger than 8 TiB.",
            "Import it with a manifest file (see the VM Import/Export guide), or shrink the disk below 8 TiB."),
    NO_PARTITION_TABLE(Severity.ERROR,
            "The disk has no partition table%s: EC2 fails it with 'No valid partitions. Not a valid volume.'",
            "Export the whole disk (not one partition or file system): it needs an MBR or GPT partition table with the OS in a partition."),
    GPT_CORRUPT(Severity.ERROR,
            "The disk's GPT partition table is damaged: %s.",
            "Repair the partition table (sgdisk --verify, then gdisk's recovery menu) or export the disk again."),
    PARTITION_OUTSIDE_DISK(Severity.WARNING,
            "Partition %d ends at %s, beyond the end of the disk (%s): the image looks truncated.",
            "Export the whole disk again; if the disk was shrunk, shrink the partition and its file system first."),
    NO_BOOT_LOADER(Severity.WARNING,
            "%s: nothing would start the operating system.",
            "Install the boot loader on the disk (Linux: grub-install onto the disk; Windows: bcdboot), or import it with the boot mode it needs."),
    LEGACY_BIOS_ON_GPT(Severity.ERROR,
            "Boot mode legacy-bios was requested, but the disk is GPT-partitioned without a BIOS boot partition: EC2 finds no bootable partition.",
            "Import it with boot mode uefi, or convert the boot disk to MBR (or add a BIOS boot partition and install GRUB for BIOS)."),
    BOOT_MODE_DETECTED(Severity.INFO,
            "The disk boots with UEFI only (an EFI System Partition, no legacy BIOS boot path) and no boot mode was given: vm2ami requests boot mode uefi.",
            "Nothing to do; to choose the boot mode yourself, set bootMode in the image's sidecar manifest or metadata (./vm2ami check --boot-mode)."),
    UEFI_WITHOUT_ESP(Severity.ERROR,
            "Boot mode uefi was requested, but the disk has no EFI System Partition: UEFI firmware has nothing to start.",
            "Import it with boot mode legacy-bios, or convert the VM to UEFI (an EFI System Partition with the boot loader) before exporting."),
    ESP_WITHOUT_FALLBACK_LOADER(Severity.ERROR,
            "The EFI System Partition%s has no fallback boot loader %s, which EC2 needs to boot Linux with UEFI.",
            "Copy the boot loader there (e.g. grub-install --removable, or cp /boot/efi/EFI/<distro>/shimx64.efi /boot/efi/%2$s) and export again."),
    NO_SUPPORTED_FILE_SYSTEM(Severity.WARNING,
            "None of the disk's partitions holds a file system EC2 VM import reads (found: %s): EC2 fails such disks with 'Unknown OS / Missing OS files'.",
            "Put the OS on ext2/ext3/ext4, XFS, Btrfs or JFS (Linux, optionally on LVM) or NTFS (Windows), and export the disk that holds it."),
    ENCRYPTED_PARTITION(Severity.WARNING,
            "Partition %d is encrypted (%s): EC2 VM import cannot read or modify an encrypted root volume.",
            "Decrypt the volume that holds the OS before exporting (encrypted data volumes can stay); use EBS encryption on AWS instead."),

    // --- The operating system (the user guide's requirements and its "Linux VM errors") -------
    NO_OPERATING_SYSTEM(Severity.ERROR,
            "No operating system was found on the boot disk: none of its file systems (%s) holds a Linux root (/etc with /bin, and /etc/fstab or /etc/hosts) or a Windows directory (Windows/System32/config with cmd.exe). EC2 fails it with 'ClientError: Unknown OS / Missing OS files.'",
            "Export the disk that holds the operating system (the VM's boot disk, not a data disk); if the OS is on it, check that its root file system is complete (fsck) and export again."),
    OS_NOT_CHECKED(Severity.WARNING,
            "vm2ami could not look for the operating system: %s.",
            "Nothing to change if the image is known to boot; otherwise repair the file systems (fsck, xfs_repair) and export again. EC2 fails images whose OS it cannot find with 'Unknown OS / Missing OS files'."),
    MULTIPLE_OPERATING_SYSTEMS(Severity.ERROR,
            "The boot disk holds %d operating systems (%s): EC2 fails multi-boot images and disks with more than one /etc with 'ClientError: Unsupported configuration - Multiple directories found'.",
            "Keep one operating system and one root file system on the disk (remove the other installation, or the copy of its root), then export again."),
    LINUX_32_BIT(Severity.ERROR,
            "The Linux on %s is 32-bit (%s): EC2 VM import takes 64-bit Linux only, and fails 32-bit kernels with 'ClientError: Unsupported kernel version'.",
            "Install the 64-bit (x86_64) build of the distribution and export that VM; a 32-bit installation cannot be imported."),
    ARCHITECTURE_NOT_IMPORTABLE(Severity.ERROR,
            "The operating system on %s is built for %s: EC2 VM import (ImportImage) converts x86_64 images only.",
            "Import the disk as a snapshot (ImportSnapshot) and register it with RegisterImage (architecture %2$s, boot mode uefi); the image must already boot on EC2 (ENA and NVMe drivers, fstab by UUID)."),
    ARCHITECTURE_UNKNOWN(Severity.WARNING,
            "vm2ami could not tell which processor the Linux on %s is built for (no ELF executable at /sbin/init, /bin/bash, /bin/ls or /bin/sh).",
            "Nothing to change if it is x86_64: EC2 VM import takes 64-bit x86 Linux only."),
    OS_NOT_RECOGNISED(Severity.WARNING,
            "%s on %s is not a distribution EC2 VM import lists (it lists %s): the import may fail with 'ClientError: Unknown OS / Missing OS files.'",
            "Import a listed distribution; or, if the image already boots on EC2, import it as a snapshot (ImportSnapshot and RegisterImage)."),
    OS_VERSION_NOT_LISTED(Severity.WARNING,
            "%s is not in the user guide's table of supported versions, which lists %s. EC2 imports many newer releases, but does not promise to.",
            "Nothing to change if imports of this release work for you; otherwise use a listed release."),
    KERNEL_NOT_LISTED(Severity.WARNING,
            "The newest kernel of %s, %s, is not in the user guide's row for it (%s): EC2 may fail it with 'ClientError: Unsupported kernel version'.",
            "Make the distribution's stock kernel of that release the default boot entry (or remove the other kernels) before exporting."),
    NO_KERNEL(Severity.WARNING,
            "No kernel was found in /boot or /lib/modules of the Linux on %s: it cannot boot, and EC2 fails such images with 'Unknown OS / Missing OS files'.",
            "Install the distribution's kernel package (with its initramfs) and export again."),
    NOT_GRUB(Severity.WARNING,
            "The Linux on %s boots with %s, not GRUB: EC2 VM import expects GRUB (legacy or GRUB 2) and rewrites its settings.",
            "Install GRUB 2 (grub-install, then update-grub or grub2-mkconfig) and make it the boot loader before exporting."),
    FSTAB_MISSING(Severity.ERROR,
            "The Linux on %s has no readable /etc/fstab: EC2 fails it with 'ClientError: Invalid configuration - Could not read fstab'.",
            "Create /etc/fstab naming the root file system by UUID (blkid shows it), e.g. 'UUID=... / ext4 defaults 0 1', and export again."),
    FSTAB_DEVICE_NAMES(Severity.WARNING,
            "/etc/fstab names %s by kernel device name: EC2 rewrites such entries to UUIDs (adding nofail where it finds none), and on EC2 the disks have other names (nvme0n1, xvda).",
            "Name the file systems by UUID= or LABEL= in /etc/fstab (blkid shows them) before exporting."),
    FSTAB_NON_STANDARD(Severity.WARNING,
            "/etc/fstab mounts %s: EC2 VM import disables entries of non-standard file system types (cifs, smbfs, vboxsf, sshfs, ...).",
            "Remove those entries, or mount the shares after the import (a systemd automount unit, a startup script)."),
    FSTAB_UNRESOLVED(Severity.WARNING,
            "/etc/fstab names %s, which no file system on this disk is: EC2 adds nofail to such entries, and a root it cannot find does not boot.",
            "Correct the UUID= or LABEL= (blkid shows the right ones), or import the disks that hold them with this one (an OVA with every disk)."),
    LVM_NOT_ASSEMBLED(Severity.ERROR,
            "The LVM %s cannot be assembled: %s. EC2 fails it with 'ClientError: Unsupported configuration - Logical volume group activation failed'.",
            "Import all the disks of the volume group together (an OVA with every disk), or move the volume group onto the boot disk; check that the image is complete."),
    LVM_NOT_READ(Severity.WARNING,
            "vm2ami does not read the LVM %s (%s), so what it holds was not checked.",
            "Nothing to change if the VM boots from it; EC2 has to activate it during the import."),
    FILE_SYSTEM_DAMAGED(Severity.WARNING,
            "%s could not be read: %s.",
            "Check the file system in the VM (e2fsck -f, xfs_repair -n, chkdsk) and export it again."),
    WINDOWS_NOT_LISTED(Severity.WARNING,
            "%s is not in the user guide's table of Windows versions (%s). EC2 imports some newer releases, but does not promise to.",
            "Nothing to change if imports of this version work for you; otherwise use a listed version."),
    WINDOWS_NANO_SERVER(Severity.ERROR,
            "%s is a Nano Server installation, which EC2 VM import does not support.",
            "Import a Server or Server Core installation instead."),
    DRIVERS_MISSING(Severity.INFO,
            "The newest kernel of %s (%s) has no %s driver: ImportImage adds what EC2 needs, but a disk registered from a snapshot would not boot on Nitro instances without it.",
            "Nothing to do for ImportImage; for an image that is ready for EC2 as it is, install a kernel with ENA and NVMe (distribution kernels since 4.x have both)."),

    // --- The import path (importMode: image, snapshot, auto) ---------------------------------
    SNAPSHOT_PATH(Severity.INFO,
            "The image is imported with ImportSnapshot and registered with RegisterImage (architecture %s, boot mode %s, ENA on), as it is: %s.",
            "Nothing to do: the image is cloud-ready. To have ImportImage import it instead, set importMode image in its sidecar manifest or metadata."),
    NOT_CLOUD_READY(Severity.ERROR,
            "importMode snapshot was asked for, but %s does not boot on EC2 as it is, which ImportSnapshot and RegisterImage need: %s.",
            "%3$s Or import it with importMode image (or auto), and ImportImage makes these changes itself."),
    SNAPSHOT_PATH_UNAVAILABLE(Severity.WARNING,
            "ImportImage would refuse the image (%s), and the other path, ImportSnapshot and RegisterImage, takes only an image that boots on EC2 as it is, which this one does not: %s.",
            "%3$s Then vm2ami imports it as a snapshot.");

    private final Severity severity;
    private final String message;
    private final String fix;

    FindingCode(Severity severity, String message, String fix) {
        this.severity = severity;
        this.message = message;
        this.fix = fix;
    }

    public Severity severity() {
        return severity;
    }

    /** The message template, as the README's table shows it. */
    public String messageTemplate() {
        return message;
    }

    /** The fix template, as the README's table shows it. */
    public String fixTemplate() {
        return fix;
    }

    /** A finding with this code, its templates filled with {@code args} (both take the same arguments). */
    public Finding finding(Object... args) {
        return new Finding(severity, name(), String.format(Locale.ROOT, message, args),
                String.format(Locale.ROOT, fix, args));
    }
}
