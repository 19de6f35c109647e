package dev.vm2ami.image.verdict;

import dev.vm2ami.image.container.VirtualDisk;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.MalformedImageException;
import dev.vm2ami.image.fs.EfiSystemPartition;
import dev.vm2ami.image.fs.FileSystems;
import dev.vm2ami.image.finding.Sizes;
import dev.vm2ami.image.partition.Partition;
import dev.vm2ami.image.partition.PartitionTable;
import dev.vm2ami.image.partition.PartitionTables;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What EC2 VM import needs inside the boot disk: a partition table, a file system it can read,
 * and a way to boot in the requested mode (legacy BIOS: boot code in the MBR, and on GPT a BIOS
 * boot partition; UEFI: an EFI System Partition, with EFI/BOOT/BOOTX64.EFI for Linux).
 */
final class DiskChecks {
    private static final int MAX_PROBED_PARTITIONS = 32;
    static final long TIB = 1L << 40;

    private DiskChecks() {}

    /** Size limits; they apply to every disk, boot disk or not. */
    static void size(long virtualSize, Consumer<Finding> out) {
        if (virtualSize >= 16 * TIB) out.accept(FindingCode.DISK_TOO_LARGE.finding(size(virtualSize)));
        else if (virtualSize > 8 * TIB) out.accept(FindingCode.DISK_NEEDS_MANIFEST.finding(size(virtualSize)));
    }

    /** Reads the partition table and file systems of the boot disk; returns its partitions. */
    static List<PartitionInfo> bootDisk(VirtualDisk disk, Optional<BootMode> mode, Consumer<Finding> out)
            throws IOException, MalformedImageException {
        PartitionTable table = PartitionTables.read(disk);
        table.problem().ifPresent(out);
        if (table.problem().isPresent()) return List.of();
        if (table.scheme().isEmpty()) {
            String bare = FileSystems.probe(disk, 0);
            out.accept(FindingCode.NO_PARTITION_TABLE.finding(bare.equals(FileSystems.UNKNOWN) ? ""
                    : " (it holds a bare " + bare + " file system, as if one partition had been exported instead of the disk)"));
            return List.of();
        }
        List<PartitionInfo> partitions = new ArrayList<>();
        List<PartitionInfo> volumes = new ArrayList<>(); // the partitions that can hold a file system (not extended ones)
        int probed = 0;
        for (Partition p : table.partitions()) {
            String fs = FileSystems.UNKNOWN;
            if (!p.extended() && p.offset() < disk.size() && probed++ < MAX_PROBED_PARTITIONS) {
                fs = FileSystems.probe(disk, p.offset());
            }
            PartitionInfo info = new PartitionInfo(p.index(), p.scheme(), p.type(), p.offset(), p.size(), fs, p.bootable());
            partitions.add(info);
            if (!p.extended()) volumes.add(info);
            if (p.end() > disk.size() && !p.extended()) {
                out.accept(FindingCode.PARTITION_OUTSIDE_DISK.finding(p.index(), size(p.end()), size(disk.size())));
            }
        }
        fileSystems(volumes, out);
        boot(disk, table, partitions, mode, out);
        return partitions;
    }

    private static void fileSystems(List<PartitionInfo> volumes, Consumer<Finding> out) {
        Set<String> found = new LinkedHashSet<>();
        boolean readable = false;
        for (PartitionInfo p : volumes) {
            found.add(p.fileSystem());
            if (FileSystems.SUPPORTED_FOR_OS.contains(p.fileSystem()) || FileSystems.CONTAINERS.contains(p.fileSystem())) readable = true;
            if (FileSystems.ENCRYPTED.contains(p.fileSystem())) {
                readable = true;
                out.accept(FindingCode.ENCRYPTED_PARTITION.finding(p.index(), p.fileSystem().equals("luks") ? "LUKS" : "BitLocker"));
            }
        }
        if (!readable && !found.isEmpty()) out.accept(FindingCode.NO_SUPPORTED_FILE_SYSTEM.finding(String.join(", ", found)));
    }

    private static void boot(VirtualDisk disk, PartitionTable table, List<PartitionInfo> partitions,
                             Optional<BootMode> mode, Consumer<Finding> out) throws IOException, MalformedImageException {
        boolean gpt = table.gpt();
        Optional<PartitionInfo> esp = partitions.stream()
                .filter(p -> p.type().equals(PartitionTables.ESP_GUID) || p.type().equals(PartitionTables.ESP_MBR_TYPE)).findFirst();
        boolean biosBootPartition = partitions.stream().anyMatch(p -> p.type().equals(PartitionTables.BIOS_BOOT_GUID));
        boolean biosBootable = table.bootCode() && (!gpt || biosBootPartition);
        if (mode.isPresent() && mode.get() == BootMode.LEGACY_BIOS) {
            if (gpt && !biosBootable) out.accept(FindingCode.LEGACY_BIOS_ON_GPT.finding());
            else if (!gpt && !table.bootCode()) out.accept(FindingCode.NO_BOOT_LOADER.finding("The MBR holds no boot code"));
        } else if (mode.isPresent()) {
            if (esp.isEmpty()) out.accept(FindingCode.UEFI_WITHOUT_ESP.finding());
            else fallbackLoader(disk, esp.get(), partitions, out);
        } else if (!biosBootable && esp.isPresent()) {
            out.accept(FindingCode.UEFI_BOOT_MODE_NOT_SET.finding());
            fallbackLoader(disk, esp.get(), partitions, out);
        } else if (!biosBootable) {
            out.accept(FindingCode.NO_BOOT_LOADER.finding(gpt
                    ? "The GPT disk has neither an EFI System Partition nor BIOS boot code with a BIOS boot partition"
                    : "The MBR holds no boot code and the disk has no EFI System Partition"));
        }
    }

    private static String size(long bytes) {
        return Sizes.human(bytes, "bytes");
    }

    /** Linux needs EFI/BOOT/BOOTX64.EFI on the ESP; Windows boots through its own loader there. */
    private static void fallbackLoader(VirtualDisk disk, PartitionInfo esp, List<PartitionInfo> partitions, Consumer<Finding> out)
            throws IOException, MalformedImageException {
        if (partitions.stream().anyMatch(p -> p.fileSystem().equals("ntfs"))) return;
        Optional<Boolean> present = EfiSystemPartition.hasFallbackLoader(disk, esp.offset());
        if (present.isEmpty()) {
            out.accept(FindingCode.ESP_WITHOUT_FALLBACK_LOADER.finding(" (partition " + esp.index() + ", which holds no FAT file system)"));
        } else if (!present.get()) {
            out.accept(FindingCode.ESP_WITHOUT_FALLBACK_LOADER.finding(" (partition " + esp.index() + ")"));
        }
    }
}
