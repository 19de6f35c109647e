package dev.vm2ami.image.fs;

import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.read.StructureException;

import java.io.IOException;
import java.util.Optional;

/** Opens the file system on a device with the reader its superblock asks for. */
public final class Volumes {
    private static final int PROBE = 4096;

    private Volumes() {}

    /**
     * The volume on {@code device}: ext2/3/4, XFS, NTFS or FAT; empty when it holds none of them
     * (Btrfs, swap, LVM, nothing). A recognised but damaged file system is a {@link StructureException}.
     */
    public static Optional<Volume> open(BlockDevice device, ReadBudget budget) throws IOException, StructureException {
        budget.charge(PROBE, "a superblock probe");
        byte[] first = device.read(0, PROBE);
        if (ExtVolume.detect(first)) return Optional.of(ExtVolume.open(device, budget));
        if (XfsVolume.detect(first)) return Optional.of(XfsVolume.open(device, budget));
        if (NtfsVolume.detect(first)) return Optional.of(NtfsVolume.open(device, budget));
        if (FatVolume.detect(first)) return Optional.of(FatVolume.open(device, budget));
        return Optional.empty();
    }
}
