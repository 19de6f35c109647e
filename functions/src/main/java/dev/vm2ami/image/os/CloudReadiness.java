package dev.vm2ami.image.os;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Whether an operating system boots on EC2 as it is, without the changes ImportImage makes
 * (drivers, fstab, boot loader): what a disk needs to become an AMI through ImportSnapshot and
 * RegisterImage, which copy it block for block. Nitro instances see the network through ENA and
 * EBS volumes as NVMe devices (so the kernel needs both drivers, and fstab must not name the root
 * by a kernel device name), and the firmware must find a boot loader for the boot mode the AMI is
 * registered with (arm64 instances boot with UEFI only).
 *
 * @param missing what keeps it from booting on EC2, each with its fix; empty when it is cloud-ready
 */
public record CloudReadiness(List<Gap> missing) {
    /** References that survive a block-level copy onto an EBS volume attached as NVMe. */
    static final Set<Fstab.Reference> STABLE_ROOT = Set.of(Fstab.Reference.UUID, Fstab.Reference.LABEL,
            Fstab.Reference.PARTUUID, Fstab.Reference.PARTLABEL, Fstab.Reference.LVM);
    /** The boot loaders legacy BIOS starts from the disk's boot code. */
    static final Set<String> BIOS_LOADERS = Set.of("grub2", "grub-legacy", "extlinux");

    /** One thing missing for EC2, and what to do about it. */
    public record Gap(String what, String fix) {
        @Override
        public String toString() {
            return what;
        }
    }

    public CloudReadiness {
        missing = List.copyOf(missing);
    }

    public boolean ready() {
        return missing.isEmpty();
    }

    /**
     * @param os       the operating system found on the boot disk
     * @param bootMode the boot mode the AMI would be registered with (legacy-bios, uefi), or null when the disk has no boot path
     */
    public static CloudReadiness of(OsFacts os, String bootMode) {
        List<Gap> gaps = new ArrayList<>();
        if (!os.linux()) {
            gaps.add(new Gap("it is Windows, which only ImportImage imports (it installs EC2's drivers and applies the license)",
                    "Import it with importMode image."));
            return new CloudReadiness(gaps);
        }
        String arch = os.architecture();
        if (!arch.equals("x86_64") && !arch.equals("arm64")) {
            gaps.add(new Gap("its architecture is " + arch + ", not x86_64 or arm64",
                    "Install the distribution's x86_64 or arm64 build."));
        }
        OsFacts.Drivers drivers = os.drivers();
        if (drivers == null || drivers.kernel() == null) {
            gaps.add(new Gap("no kernel was found to check for the ENA and NVMe drivers",
                    "Install the distribution's kernel package (distribution kernels since 4.x have ENA and NVMe)."));
        } else {
            if (!drivers.ena()) {
                gaps.add(new Gap("kernel " + drivers.kernel() + " has no ENA driver (ena), so no network on Nitro instances",
                        "Install a kernel with the ena module (modprobe ena works) and rebuild the initramfs."));
            }
            if (!drivers.nvme()) {
                gaps.add(new Gap("kernel " + drivers.kernel() + " has no NVMe driver (nvme), so no root volume on Nitro instances",
                        "Install a kernel with NVMe, and add nvme to the initramfs (dracut --add-drivers nvme, or update-initramfs)."));
            }
        }
        Fstab fstab = os.fstab();
        Fstab.Entry root = fstab == null ? null
                : fstab.entries().stream().filter(e -> e.mountPoint().equals("/")).findFirst().orElse(null);
        if (root == null) {
            gaps.add(new Gap("/etc/fstab has no entry for the root file system",
                    "Add the root to /etc/fstab by UUID (blkid shows it): 'UUID=... / ext4 defaults 0 1'."));
        } else if (!STABLE_ROOT.contains(root.reference())) {
            gaps.add(new Gap("/etc/fstab names the root by " + root.device() + ", a name the disk does not have on EC2 (nvme0n1p1, xvda1)",
                    "Name the root by UUID= or LABEL= in /etc/fstab (blkid shows them)."));
        }
        if (bootMode == null) {
            gaps.add(new Gap("the disk has no boot path (no boot code, no EFI System Partition)",
                    "Install the boot loader on the disk: grub-install for BIOS, or an EFI System Partition with the fallback loader for UEFI."));
        } else if (arch.equals("arm64") && !bootMode.equals("uefi")) {
            gaps.add(new Gap("arm64 instances boot with UEFI only, and the disk boots with " + bootMode,
                    "Give the disk an EFI System Partition with EFI/BOOT/BOOTAA64.EFI (grub-install --removable)."));
        } else if (bootMode.equals("uefi")) {
            String loader = OsInspector.fallbackLoader(arch);
            if (!os.efiLoaders().contains(loader)) {
                gaps.add(new Gap("the EFI System Partition has no " + loader + ", the loader UEFI firmware on EC2 starts",
                        "Copy the boot loader there (grub-install --removable)."));
            }
        } else if (!BIOS_LOADERS.contains(os.bootloader())) {
            gaps.add(new Gap("it boots with " + os.bootloader() + ", which legacy BIOS cannot start from the disk",
                    "Install GRUB 2 (grub-install onto the disk) or extlinux."));
        }
        return new CloudReadiness(gaps);
    }
}
