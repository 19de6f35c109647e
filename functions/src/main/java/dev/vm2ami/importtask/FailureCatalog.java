package dev.vm2ami.importtask;

import dev.vm2ami.job.FailureCategory;

import java.util.List;
import java.util.Locale;

/**
 * What EC2 VM import's messages mean and what a user does about them: the troubleshooting tables
 * of the VM Import/Export user guide and the failures measured in the import walkthrough
 * (../shared/reference/), in one place. The check and submit steps classify with it, the
 * notification carries its hint, {@code ./vm2ami explain} prints it, the README lists it.
 */
public final class FailureCatalog {

    /**
     * @param fragment text that identifies the message (case-insensitive substring)
     * @param summary  what happened, in the user's terms
     * @param hint     what to do about it
     */
    public record Entry(String fragment, FailureCategory category, String summary, String hint) {}

    /** A classified failure: the catalog's entry and the AWS message it was made from. */
    public record Classification(FailureCategory category, String summary, String hint, String awsMessage) {}

    public static final List<Entry> ENTRIES = List.of(
            new Entry("Unknown OS / Missing OS files", FailureCategory.CLIENT_ERROR,
                    "EC2 did not recognise the operating system on the image.",
                    "Import only a supported 64-bit OS (see the user guide's OS table), with its root file system on the "
                            + "same disk as the boot partition, a distribution kernel and initrd in /boot and a working GRUB "
                            + "configuration. Images built from scratch often lack files the import looks for; "
                            + "start from a stock installation of a supported distribution."),
            new Entry("No valid partitions", FailureCategory.CLIENT_ERROR,
                    "The disk has no partition table EC2 can read.",
                    "Import a partitioned disk (MBR, or GPT with --boot-mode uefi) whose root file system is in a partition, "
                            + "not a bare file system or an unpartitioned raw disk. Run ./vm2ami check on the image first."),
            new Entry("Unsupported VMDK File Format", FailureCategory.CLIENT_ERROR,
                    "The VMDK is not stream-optimized; EC2 only imports stream-optimized VMDKs.",
                    "Convert it: qemu-img convert -O vmdk -o subformat=streamOptimized in.vmdk out.vmdk, "
                            + "or export the VM as OVF/OVA from vSphere or Workstation."),
            new Entry("Unsupported OVA format", FailureCategory.CLIENT_ERROR,
                    "EC2 could not read the OVA.",
                    "An OVA must be a tar archive whose first member is the .ovf descriptor, with stream-optimized VMDK "
                            + "disks and at most 21 of them. Export the VM again as OVA."),
            new Entry("Unsupported kernel version", FailureCategory.CLIENT_ERROR,
                    "The image's kernel is not one EC2 VM import supports.",
                    "Boot the VM on a default kernel of a supported 64-bit distribution version (see the OS table in "
                            + "the user guide), make it the default GRUB entry, and export again."),
            new Entry("Footers not identical", FailureCategory.CLIENT_ERROR,
                    "The VHD is a differencing disk, or it was damaged when it was created.",
                    "Merge the differencing disk into its parent (Hyper-V: Edit Disk > Merge; or qemu-img convert -O vpc) "
                            + "and export the VM again."),
            new Entry("Uncompressed data has invalid length", FailureCategory.CLIENT_ERROR,
                    "The VMDK is corrupted.",
                    "Repair or re-create the VMDK (export the VM again) and upload it again."),
            new Entry("unsupported compression algorithm", FailureCategory.CLIENT_ERROR,
                    "The VMDK was made for an OVA in a way EC2 cannot read.",
                    "Export the VMDK as part of an OVF (not OVA) export, or convert it with qemu-img to a stream-optimized VMDK."),
            new Entry("Could not read fstab", FailureCategory.CLIENT_ERROR,
                    "EC2 could not read /etc/fstab on the image.",
                    "Linux VMs with multi-boot volumes or several /etc directories are not supported; leave one OS and one "
                            + "root file system, and check that /etc/fstab names devices that exist (prefer UUID=)."),
            new Entry("Multiple directories found", FailureCategory.CLIENT_ERROR,
                    "The image has several /etc directories or operating systems.",
                    "Linux VMs with multi-boot volumes or multiple /etc directories are not supported; keep one OS on the image."),
            new Entry("Logical volume group activation failed", FailureCategory.CLIENT_ERROR,
                    "An LVM volume group on the image could not be activated.",
                    "This usually means a damaged or incomplete image: check the VM boots, export it again and compare "
                            + "checksums of what you uploaded."),
            new Entry("disk-image-size=0", FailureCategory.CLIENT_ERROR,
                    "The object is empty (0 bytes).",
                    "Upload the whole disk image; an interrupted upload can leave an empty object."),
            new Entry("Invalid S3 source location", FailureCategory.CLIENT_ERROR,
                    "VM import could not read the object from S3.",
                    "The object was deleted or renamed before the import read it, or the bucket is in another Region. "
                            + "Upload it again to the pipeline's bucket."),
            new Entry("not local to the region", FailureCategory.CLIENT_ERROR,
                    "The S3 bucket is in another Region than the import.",
                    "Use a bucket in the Region where the AMI should be created (the pipeline's own bucket is)."),
            new Entry("Region, it's in", FailureCategory.CLIENT_ERROR,
                    "The S3 bucket is in another Region than the import.",
                    "Use a bucket in the Region where the AMI should be created (the pipeline's own bucket is)."),
            new Entry("Disk validation failed", FailureCategory.CLIENT_ERROR,
                    "EC2 could not validate the disk image in the format it was given.",
                    "Check that the file really is the format its name says (./vm2ami check tells) and export it again."),
            new Entry("Booter Networking failure", FailureCategory.CLIENT_ERROR,
                    "The Windows VM could not boot with networking in EC2.",
                    "Install .NET Framework 3.5 SP1 or later on the Windows VM, then export it again."),
            new Entry("FirstBootFailure", FailureCategory.CLIENT_ERROR,
                    "The Windows VM failed to boot and reach the network on EC2.",
                    "Disable antivirus and firewalls, undo hardening, detach secondary disks, enable DHCP, and make sure "
                            + "Windows boots to a login prompt before exporting (see the user guide's Windows errors)."),
            new Entry("No bootable partition found", FailureCategory.CLIENT_ERROR,
                    "EC2 found no boot partition on the disk.",
                    "Make sure the disk has an active boot partition (MBR) or an EFI system partition (GPT with "
                            + "--boot-mode uefi)."),
            new Entry("ServerError", FailureCategory.SERVER_ERROR,
                    "An internal error occurred in EC2 VM import.",
                    "Nothing is wrong with the image as far as EC2 said; the same image often imports on a second try, "
                            + "which vm2ami makes by itself. If every attempt fails, open an AWS support case with the "
                            + "import task ids."),
            new Entry("service role", FailureCategory.PERMISSIONS,
                    "The VM Import service role is missing or lacks permissions.",
                    "The role passed as RoleName must exist, trust vmie.amazonaws.com, and allow s3:GetBucketLocation, "
                            + "s3:GetObject and s3:ListBucket on the bucket, ec2:ModifySnapshotAttribute, ec2:CopySnapshot, "
                            + "ec2:RegisterImage and ec2:Describe*, plus kms:Decrypt (and grants) on the key when the "
                            + "bucket or the AMI uses SSE-KMS. Redeploying the vm2ami stack recreates it."),
            new Entry("AccessDenied", FailureCategory.PERMISSIONS,
                    "AWS denied vm2ami or VM import access.",
                    "Check the IAM policies of the vm2ami functions and of the VM Import service role, and KMS key policies."),
            new Entry("Access Denied", FailureCategory.PERMISSIONS,
                    "VM import was denied access to the object.",
                    "The VM Import service role needs s3:GetObject on the object and kms:Decrypt on its key (SSE-KMS)."),
            new Entry("KMS", FailureCategory.PERMISSIONS,
                    "A KMS key could not be used.",
                    "Grant the VM Import service role kms:Decrypt, kms:CreateGrant and kms:ReEncrypt* on the key, and keep "
                            + "the key enabled for the whole import."),
            new Entry("ResourceCountLimitExceeded", FailureCategory.QUOTA,
                    "The account's limit on concurrent import tasks is reached.",
                    "vm2ami waits for a free slot by itself. To import faster, ask AWS for a higher VM Import quota."),
            new Entry("User initiated", FailureCategory.CANCELLED,
                    "The import task was cancelled.",
                    "Someone or something called CancelImportTask on it. Upload the image again to import it."));

    private FailureCatalog() {}

    /** The entry matching an AWS message; unknown ClientErrors are client errors, anything else is a server error. */
    /** ImportImage's refusals of the OS it finds, which ImportSnapshot (a copy of the disk, not judged) does not make. */
    static final java.util.List<String> SNAPSHOT_PATH_FIXES = java.util.List.of("Unknown OS / Missing OS files",
            "Unsupported kernel version");

    /** Whether this ImportImage failure is one the snapshot path would not have, for a cloud-ready image. */
    public static boolean snapshotPathFixes(String awsMessage) {
        return awsMessage != null && SNAPSHOT_PATH_FIXES.stream().anyMatch(awsMessage::contains);
    }

    public static Classification classify(String awsMessage) {
        String text = awsMessage == null ? "" : awsMessage;
        String lower = text.toLowerCase(Locale.ROOT);
        for (Entry e : ENTRIES) {
            if (lower.contains(e.fragment().toLowerCase(Locale.ROOT))) {
                return new Classification(e.category(), e.summary(), e.hint(), text);
            }
        }
        if (lower.startsWith("clienterror")) {
            return new Classification(FailureCategory.CLIENT_ERROR, "EC2 VM import refused the image.",
                    "See the AWS message and the VM Import/Export requirements; ./vm2ami check finds many causes before an upload.",
                    text);
        }
        return new Classification(FailureCategory.SERVER_ERROR, "EC2 VM import failed without saying why.",
                "vm2ami retries such failures; if they persist, open an AWS support case with the import task ids.", text);
    }

    /** A failure vm2ami decided itself (stuck, timeout), with the same hints the README gives. */
    public static Classification decided(FailureCategory category, String summary, String awsMessage) {
        String hint = switch (category) {
            case STUCK -> "The task stopped making progress (EC2 sometimes loops in 'booting' forever). vm2ami cancelled it "
                    + "and retried; if it sticks again, the image may not boot on EC2: check the boot loader, kernel and "
                    + "initrd, and that the root device in fstab and the boot loader is found by UUID.";
            case TIMEOUT -> "The import took longer than the deadline and was cancelled. Large images take longer; raise "
                    + "deadlineSeconds if this one is simply big.";
            case INTERNAL -> "vm2ami could not complete a step. The cause is in the notification and the function logs; "
                    + "upload the image again once it is fixed.";
            default -> classify(awsMessage).hint();
        };
        return new Classification(category, summary, hint, awsMessage);
    }
}
