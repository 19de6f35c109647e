package dev.vm2ami.image.verdict;

import dev.vm2ami.image.container.VirtualDisk;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.MalformedImageException;
import dev.vm2ami.image.finding.Sizes;
import dev.vm2ami.image.fs.FileSystems;
import dev.vm2ami.image.os.OsFacts;
import dev.vm2ami.image.os.OsInspector;
import dev.vm2ami.image.partition.Partition;
import dev.vm2ami.image.partition.PartitionTable;
import dev.vm2ami.image.partition.PartitionTables;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.read.StructureException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What EC2 VM import needs inside the boot disk: a partition table, a file system it can read, an
 * operating system on it ({@link OsChecks}), and a way to boot in the requested mode (legacy BIOS:
 * boot code in the MBR, and on GPT a BIOS boot partition; UEFI: an EFI System Partition, with the
 * fallback loader for Linux, EFI/BOOT/BOOTX64.EFI on x86_64). Without a requested mode, the mode
 * the disk allows is the one detected (and requested by the pipeline).
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

    /**
     * What was read of the boot disk.
     *
     * @param systems  the operating systems found on it
     * @param bootMode the boot mode it boots with: the one requested, else the one the disk allows
     *                 (legacy BIOS when it allows both, as EC2 does), empty when it has no boot path
     */
    record BootDisk(List<PartitionInfo> partitions, List<OsFacts> systems, Optional<BootMode> bootMode) {
        static BootDisk empty() {
            return new BootDisk(List.of(), List.of(), Optional.empty());
        }
    }

    /** Reads the partition table, file systems and operating system of the boot disk. */
    static BootDisk bootDisk(VirtualDisk disk, Optional<BootMode> mode, Consumer<Finding> out)
            throws IOException, MalformedImageException {
        PartitionTable table = PartitionTables.read(disk);
        table.problem().ifPresent(out);
        if (table.problem().isPresent()) return BootDisk.empty();
        if (table.scheme().isEmpty()) {
            String bare = FileSystems.probe(disk, 0);
            out.accept(FindingCode.NO_PARTITION_TABLE.finding(bare.equals(FileSystems.UNKNOWN) ? ""
                    : " (it holds a bare " + bare + " file system, as if one partition had been exported instead of the disk)"));
            return BootDisk.empty();
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
        DiskDevice device = new DiskDevice(disk);
        ReadBudget budget = new ReadBudget(OsChecks.BUDGET);
        OsInspector.Inspection os = OsChecks.inspect(device, volumes, budget);
        Optional<BootMode> bootMode = boot(device, table, partitions, mode, os.systems(), budget, out);
        if (device.containerProblem().isPresent()) {
            // The container broke under the file-system readers: that is the finding, not the file systems.
            out.accept(device.containerProblem().get().finding());
        } else {
            OsChecks.findings(os, volumes, out);
        }
        return new BootDisk(partitions, os.systems(), bootMode);
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

    private static Optional<BootMode> boot(DiskDevice disk, PartitionTable table, List<PartitionInfo> partitions, Optional<BootMode> mode,
                                           List<OsFacts> systems, ReadBudget budget, Consumer<Finding> out) throws IOException {
        boolean gpt = table.gpt();
        Optional<PartitionInfo> esp = partitions.stream()
                .filter(p -> p.type().equals(PartitionTables.ESP_GUID) || p.type().equals(PartitionTables.ESP_MBR_TYPE)).findFirst();
        boolean biosBootPartition = partitions.stream().anyMatch(p -> p.type().equals(PartitionTables.BIOS_BOOT_GUID));
        boolean biosBootable = table.bootCode() && (!gpt || biosBootPartition);
        // arm64 firmware on EC2 is UEFI only, whatever else the disk carries.
        boolean uefiOnly = systems.stream().anyMatch(os -> os.linux() && os.architecture().equals("arm64"));
        if (mode.isPresent() && mode.get() == BootMode.LEGACY_BIOS) {
            if (gpt && !biosBootable) out.accept(FindingCode.LEGACY_BIOS_ON_GPT.finding());
            else if (!gpt && !table.bootCode()) out.accept(FindingCode.NO_BOOT_LOADER.finding("The MBR holds no boot code"));
            return mode;
        }
        if (mode.isPresent()) {
            if (esp.isEmpty()) out.accept(FindingCode.UEFI_WITHOUT_ESP.finding());
            else fallbackLoader(disk, esp.get(), partitions, systems, budget, out);
            return mode;
        }
        if ((!biosBootable || uefiOnly) && esp.isPresent()) {
            out.accept(FindingCode.BOOT_MODE_DETECTED.finding());
            fallbackLoader(disk, esp.get(), partitions, systems, budget, out);
            return Optional.of(BootMode.UEFI);
        }
        if (!biosBootable) {
            out.accept(FindingCode.NO_BOOT_LOADER.finding(gpt
                    ? "The GPT disk has neither an EFI System Partition nor BIOS boot code with a BIOS boot partition"
                    : "The MBR holds no boot code and the disk has no EFI System Partition"));
            return Optional.empty();
        }
        return Optional.of(BootMode.LEGACY_BIOS);
    }

    private static String size(long bytes) {
        return Sizes.human(bytes, "bytes");
    }

    /** Linux needs the fallback loader of its architecture on the ESP (BOOTX64.EFI for x86_64); Windows boots through its own loader there. */
    private static void fallbackLoader(DiskDevice disk, PartitionInfo esp, List<PartitionInfo> partitions, List<OsFacts> systems,
                                       ReadBudget budget, Consumer<Finding> out) throws IOException {
        boolean windows = systems.stream().anyMatch(os -> !os.linux()) || partitions.stream().anyMatch(p -> p.fileSystem().equals("ntfs"));
        if (windows) return;
        String needed = OsChecks.requiredFallbackLoader(systems).orElse(OsInspector.fallbackLoader("x86_64"));
        Optional<List<String>> loaders;
        try {
            loaders = OsInspector.efiLoaders(disk.slice(esp.offset(), esp.size()), budget);
        } catch (StructureException e) {
            out.accept(FindingCode.ESP_WITHOUT_FALLBACK_LOADER.finding(" (partition " + esp.index() + ", whose FAT file system is damaged: "
                    + e.getMessage() + ")", needed));
            return;
        }
        if (loaders.isEmpty()) {
            out.accept(FindingCode.ESP_WITHOUT_FALLBACK_LOADER.finding(" (partition " + esp.index() + ", which holds no FAT file system)", needed));
        } else if (!loaders.get().contains(needed)) {
            out.accept(FindingCode.ESP_WITHOUT_FALLBACK_LOADER.finding(" (partition " + esp.index() + ")", needed));
        }
    }
}
