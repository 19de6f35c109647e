package dev.vm2ami.image.verdict;

import dev.vm2ami.image.container.VirtualDisk;
import dev.vm2ami.image.finding.MalformedImageException;
import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.StructureException;

import java.io.IOException;
import java.util.Optional;

/**
 * The virtual disk as the volume readers see it. A damaged container met while they read (a VMDK
 * grain that does not inflate, a VHDX block past the end) is kept, so that it is reported as the
 * container's finding (VMDK_CORRUPT, IMAGE_TRUNCATED...) rather than as a damaged file system.
 */
final class DiskDevice implements BlockDevice {
    private final VirtualDisk disk;
    private MalformedImageException containerProblem;

    DiskDevice(VirtualDisk disk) {
        this.disk = disk;
    }

    @Override
    public long size() {
        return disk.size();
    }

    @Override
    public byte[] read(long offset, int length) throws IOException, StructureException {
        try {
            return disk.read(offset, length);
        } catch (MalformedImageException e) {
            if (containerProblem == null) containerProblem = e;
            throw StructureException.corrupt("the disk image is damaged: " + e.getMessage());
        }
    }

    /** The first damage of the container met while reading, if any. */
    Optional<MalformedImageException> containerProblem() {
        return Optional.ofNullable(containerProblem);
    }

    @Override
    public String toString() {
        return "the virtual disk";
    }
}
