package dev.vm2ami.image.fs;

import dev.vm2ami.image.container.VirtualDisk;
import dev.vm2ami.image.finding.MalformedImageException;
import dev.vm2ami.image.read.Bytes;

import java.io.IOException;
import java.util.Optional;

/**
 * Looks for the fallback boot loader EFI/BOOT/BOOTX64.EFI on an EFI System Partition (FAT12, 16
 * or 32), following directory clusters through the FAT. Short (8.3) names are enough: all three
 * names fit 8.3, and FAT keeps a short name for every file.
 */
public final class EfiSystemPartition {
    private static final int MAX_DIRECTORY_BYTES = 256 * 1024;
    private static final int MAX_CLUSTERS = 64;

    private EfiSystemPartition() {}

    /** Whether the FAT file system at {@code offset} has EFI/BOOT/BOOTX64.EFI; empty when it is no FAT vm2ami can read. */
    public static Optional<Boolean> hasFallbackLoader(VirtualDisk disk, long offset) throws IOException, MalformedImageException {
        byte[] boot = disk.read(offset, 512);
        Optional<Fat> fat = Fat.of(boot, offset);
        if (fat.isEmpty()) return Optional.empty();
        Fat f = fat.get();
        byte[] root = f.fat32() ? f.chain(disk, f.rootCluster()) : disk.read(f.rootDirOffset(), f.rootDirBytes());
        long efi = find(root, "EFI        ", true);
        if (efi < 2) return Optional.of(false);
        long bootDir = find(f.chain(disk, efi), "BOOT       ", true);
        if (bootDir < 2) return Optional.of(false);
        return Optional.of(find(f.chain(disk, bootDir), "BOOTX64 EFI", false) >= 0);
    }

    /** The first cluster of the entry named {@code name83} (a directory if {@code directory}), or -1. */
    private static long find(byte[] dir, String name83, boolean directory) {
        for (int e = 0; e + 32 <= dir.length; e += 32) {
            int first = dir[e] & 0xFF;
            if (first == 0) break;
            int attr = dir[e + 11] & 0xFF;
            if (first == 0xE5 || attr == 0x0F || (attr & 0x08) != 0) continue;
            if (!Bytes.has(dir, e, name83)) continue;
            if (((attr & 0x10) != 0) != directory) continue;
            return (long) Bytes.u16le(dir, e + 20) << 16 | Bytes.u16le(dir, e + 26);
        }
        return -1;
    }

    private record Fat(long offset, int bytesPerSector, int sectorsPerCluster, long reservedSectors, int fats,
                       long fatSectors, int rootEntries, long rootCluster, int bits) {

        static Optional<Fat> of(byte[] b, long offset) {
            if (Bytes.u16le(b, 510) != 0xAA55) return Optional.empty();
            int bps = Bytes.u16le(b, 11);
            int spc = Bytes.u8(b, 13);
            long reserved = Bytes.u16le(b, 14);
            int fats = Bytes.u8(b, 16);
            int rootEntries = Bytes.u16le(b, 17);
            long total = Bytes.u16le(b, 19) != 0 ? Bytes.u16le(b, 19) : Bytes.u32le(b, 32);
            long fatSz = Bytes.u16le(b, 22) != 0 ? Bytes.u16le(b, 22) : Bytes.u32le(b, 36);
            if (bps < 512 || bps > 4096 || Integer.bitCount(bps) != 1 || spc == 0 || Integer.bitCount(spc) != 1
                    || reserved == 0 || fats == 0 || fats > 4 || fatSz == 0 || total == 0) {
                return Optional.empty();
            }
            boolean fat32 = Bytes.u16le(b, 22) == 0;
            long rootDirSectors = ((long) rootEntries * 32 + bps - 1) / bps;
            long clusters = (total - reserved - fats * fatSz - rootDirSectors) / spc;
            int bits = fat32 ? 32 : clusters < 4085 ? 12 : 16;
            return Optional.of(new Fat(offset, bps, spc, reserved, fats, fatSz, rootEntries, Bytes.u32le(b, 44), bits));
        }

        boolean fat32() {
            return bits == 32;
        }

        long rootDirOffset() {
            return offset + (reservedSectors + fats * fatSectors) * bytesPerSector;
        }

        int rootDirBytes() {
            return Math.min(rootEntries * 32, MAX_DIRECTORY_BYTES);
        }

        long clusterOffset(long cluster) {
            long rootDirSectors = ((long) rootEntries * 32 + bytesPerSector - 1) / bytesPerSector;
            long dataStart = rootDirOffset() + rootDirSectors * bytesPerSector;
            return dataStart + (cluster - 2) * sectorsPerCluster * bytesPerSector;
        }

        /** The bytes of the cluster chain starting at {@code cluster}: bounded in clusters and bytes. */
        byte[] chain(VirtualDisk disk, long cluster) throws IOException, MalformedImageException {
            int clusterBytes = sectorsPerCluster * bytesPerSector;
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.util.Set<Long> seen = new java.util.HashSet<>();
            long c = cluster;
            while (c >= 2 && c < end() && seen.add(c) && seen.size() <= MAX_CLUSTERS && out.size() < MAX_DIRECTORY_BYTES) {
                out.writeBytes(disk.read(clusterOffset(c), clusterBytes));
                c = next(disk, c);
            }
            return out.toByteArray();
        }

        private long end() {
            return bits == 12 ? 0xFF8 : bits == 16 ? 0xFFF8 : 0x0FFFFFF8L;
        }

        private long next(VirtualDisk disk, long c) throws IOException, MalformedImageException {
            long fatStart = offset + reservedSectors * bytesPerSector;
            return switch (bits) {
                case 12 -> {
                    byte[] e = disk.read(fatStart + c + c / 2, 2);
                    int v = Bytes.u16le(e, 0);
                    yield (c & 1) == 0 ? v & 0xFFF : v >> 4;
                }
                case 16 -> Bytes.u16le(disk.read(fatStart + c * 2, 2), 0);
                default -> Bytes.u32le(disk.read(fatStart + c * 4, 4), 0) & 0x0FFFFFFFL;
            };
        }
    }
}
