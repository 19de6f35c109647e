package dev.vm2ami.image.os;

import java.util.List;

/**
 * What one operating system on the image is, as {@code ./vm2ami check --json} prints it (the
 * {@code os} object) and the notification carries it; the facts a "cloud-ready" decision is made
 * from (architecture, kernels, boot loader, fstab by UUID/LABEL, ENA and NVMe drivers).
 *
 * @param family       {@code linux} or {@code windows}
 * @param distribution os-release's ID (ubuntu, centos, debian, rhel, alpine, ...), {@code windows}, or {@code unknown}
 * @param version      VERSION_ID (or the release file's), or Windows' major.minor.build
 * @param name         PRETTY_NAME (or the release file's first line), or Windows' ProductName
 * @param architecture x86_64, i386, arm64, arm, or unknown (from the ELF header of init or a shell; Windows: cmd.exe's PE header)
 * @param kernels      kernel versions in /boot and /lib/modules, oldest first (Linux)
 * @param bootloader   grub2, grub-legacy, extlinux, systemd-boot, bootmgr (Windows), or none
 * @param efiLoaders   the boot loaders found on the EFI System Partition (EFI/BOOT/BOOTX64.EFI, EFI/Microsoft/Boot/bootmgfw.efi, ...)
 * @param fstab        /etc/fstab (Linux; null for Windows)
 * @param drivers      ENA and NVMe support of the newest kernel (Linux; null for Windows)
 * @param root         where the OS's root file system is ("partition 2", "logical volume vg0/root")
 * @param edition      Windows' EditionID (null for Linux)
 * @param installationType Windows' InstallationType: Server, Client, Server Core, Nano Server (null for Linux)
 */
public record OsFacts(String family, String distribution, String version, String name, String architecture,
                      List<String> kernels, String bootloader, List<String> efiLoaders, Fstab fstab, Drivers drivers,
                      String root, String edition, String installationType) {
    public static final String LINUX = "linux";
    public static final String WINDOWS = "windows";
    public static final String UNKNOWN = "unknown";

    public OsFacts {
        kernels = List.copyOf(kernels);
        efiLoaders = List.copyOf(efiLoaders);
    }

    public boolean linux() {
        return LINUX.equals(family);
    }

    /**
     * @param kernel the kernel the flags are about (the newest found), or null when none was
     * @param ena    the Elastic Network Adapter driver (ena.ko, or built in)
     * @param nvme   the NVMe driver EBS volumes appear through on Nitro instances (nvme.ko, or built in)
     */
    public record Drivers(String kernel, boolean ena, boolean nvme) {
    }
}
