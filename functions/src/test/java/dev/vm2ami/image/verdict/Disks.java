package dev.vm2ami.image.verdict;

import dev.vm2ami.sampleimages.DiskBuilder;
import dev.vm2ami.sampleimages.FileSystemSample;
import dev.vm2ami.sampleimages.SparseImage;

/** The disks the tests wrap in containers. */
final class Disks {
    static final long MIB = 1L << 20;
    static final long GIB = 1L << 30;

    private Disks() {}

    /** An MBR disk with boot code and an ext4 root of Ubuntu: what a BIOS Linux VM exports. */
    static SparseImage linuxMbr() {
        return DiskBuilder.mbr(64 * MIB).partition("0x83", 48 * MIB, FileSystemSample.EXT4)
                .partition("0x82", 8 * MIB, FileSystemSample.SWAP).build();
    }

    /** A GPT disk with an ESP (holding BOOTX64.EFI) and an ext4 root of Ubuntu: a UEFI Linux VM. */
    static SparseImage linuxUefiGpt() {
        return DiskBuilder.gpt(2 * GIB).partition(DiskBuilder.ESP, 64 * MIB, FileSystemSample.ESP_WITH_BOOTX64)
                .partition(DiskBuilder.LINUX, GIB, FileSystemSample.EXT4).build();
    }
}
