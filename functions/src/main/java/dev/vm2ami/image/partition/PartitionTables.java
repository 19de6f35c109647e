package dev.vm2ami.image.partition;

import dev.vm2ami.image.container.VirtualDisk;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.MalformedImageException;
import dev.vm2ami.image.read.Bytes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

/** Reads a disk's MBR (with its extended partitions) or GPT (checking both CRCs): bounded, damage becomes a finding. */
public final class PartitionTables {
    public static final String MBR = "MBR";
    public static final String GPT = "GPT";
    public static final String ESP_GUID = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
    public static final String BIOS_BOOT_GUID = "21686148-6449-6E6F-744E-656564454649";
    public static final String ESP_MBR_TYPE = "0xEF";
    private static final int MAX_LOGICAL_PARTITIONS = 64;
    private static final int MAX_GPT_PARTITIONS = 128;
    /** 128 entries of 128 bytes is what every partitioning tool writes; allow eight times that. */
    private static final long MAX_GPT_ARRAY = 128 * 1024;

    private PartitionTables() {}

    public static PartitionTable read(VirtualDisk disk) throws IOException, MalformedImageException {
        int ss = disk.sectorSize();
        byte[] mbr = disk.read(0, 512);
        byte[] lba1 = disk.read(ss, ss);
        boolean signature = Bytes.u16le(mbr, 510) == 0xAA55;
        boolean bootCode = !Bytes.allZero(mbr, 0, 440);
        boolean protective = signature && hasEntryOfType(mbr, 0xEE);
        if (Bytes.has(lba1, 0, "EFI PART")) return gpt(disk, lba1, ss, bootCode);
        if (protective) {
            return new PartitionTable(Optional.of(GPT), List.of(), bootCode, Optional.of(FindingCode.GPT_CORRUPT.finding(
                    "the MBR is a GPT protective MBR but there is no GPT header (\"EFI PART\") at LBA 1")));
        }
        if (!signature || !plausibleMbr(mbr)) return PartitionTable.none(bootCode);
        List<Partition> partitions = mbrPartitions(disk, mbr);
        if (partitions.isEmpty()) return PartitionTable.none(bootCode);
        return new PartitionTable(Optional.of(MBR), partitions, bootCode, Optional.empty());
    }

    /** Status bytes are 0x00 or 0x80 in a real MBR; anything else is a boot sector of a bare file system. */
    private static boolean plausibleMbr(byte[] mbr) {
        for (int i = 0; i < 4; i++) {
            int status = Bytes.u8(mbr, 446 + 16 * i);
            if (status != 0 && status != 0x80) return false;
        }
        return true;
    }

    private static boolean hasEntryOfType(byte[] mbr, int type) {
        for (int i = 0; i < 4; i++) if (Bytes.u8(mbr, 446 + 16 * i + 4) == type) return true;
        return false;
    }

    private static List<Partition> mbrPartitions(VirtualDisk disk, byte[] mbr) throws IOException, MalformedImageException {
        List<Partition> out = new ArrayList<>();
        long extendedStart = -1;
        for (int i = 0; i < 4; i++) {
            int e = 446 + 16 * i;
            int type = Bytes.u8(mbr, e + 4);
            long start = Bytes.u32le(mbr, e + 8);
            long sectors = Bytes.u32le(mbr, e + 12);
            if (type == 0 || sectors == 0) continue;
            out.add(new Partition(i + 1, MBR, mbrType(type), start * 512, sectors * 512,
                    Bytes.u8(mbr, e) == 0x80));
            if (isExtended(type) && extendedStart < 0) extendedStart = start;
        }
        if (extendedStart > 0) out.addAll(logicalPartitions(disk, extendedStart));
        return out;
    }

    /** Follows the chain of extended boot records; bounded, and stops at a loop. */
    private static List<Partition> logicalPartitions(VirtualDisk disk, long extendedStart) throws IOException, MalformedImageException {
        List<Partition> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long ebr = extendedStart;
        int index = 5;
        while (out.size() < MAX_LOGICAL_PARTITIONS && seen.add(ebr)) {
            byte[] b = disk.read(ebr * 512, 512);
            if (Bytes.u16le(b, 510) != 0xAA55) break;
            int type = Bytes.u8(b, 446 + 4);
            long sectors = Bytes.u32le(b, 446 + 12);
            if (type != 0 && sectors != 0) {
                out.add(new Partition(index++, MBR, mbrType(type), (ebr + Bytes.u32le(b, 446 + 8)) * 512, sectors * 512,
                        Bytes.u8(b, 446) == 0x80));
            }
            long next = Bytes.u32le(b, 462 + 8);
            if (Bytes.u8(b, 462 + 4) == 0 || next == 0) break;
            ebr = extendedStart + next;
        }
        return out;
    }

    private static boolean isExtended(int type) {
        return type == 0x05 || type == 0x0F || type == 0x85;
    }

    private static String mbrType(int type) {
        return String.format("0x%02X", type);
    }

    private static PartitionTable gpt(VirtualDisk disk, byte[] header, int ss, boolean bootCode) throws IOException, MalformedImageException {
        long headerSize = Bytes.u32le(header, 12);
        if (headerSize < 92 || headerSize > ss) return damaged(bootCode, "the GPT header says it is " + headerSize + " bytes long");
        byte[] copy = java.util.Arrays.copyOf(header, (int) headerSize);
        copy[16] = copy[17] = copy[18] = copy[19] = 0;
        long stored = Bytes.u32le(header, 16);
        long computed = crc32(copy);
        if (stored != computed) {
            return damaged(bootCode, String.format("the GPT header's CRC32 is %08x but its bytes give %08x", stored, computed));
        }
        long entriesLba = Bytes.u64le(header, 72);
        long count = Bytes.u32le(header, 80);
        long entrySize = Bytes.u32le(header, 84);
        if (entrySize < 128 || entrySize % 8 != 0 || count * entrySize > MAX_GPT_ARRAY) {
            return damaged(bootCode, "the GPT header declares " + count + " entries of " + entrySize + " bytes");
        }
        if (entriesLba < 2 || entriesLba > disk.size() / ss) {
            return damaged(bootCode, "the GPT header puts its partition entries at LBA " + entriesLba + ", outside the disk");
        }
        int arrayBytes = (int) (count * entrySize);
        byte[] entries = disk.read(entriesLba * ss, arrayBytes);
        if (entries.length < arrayBytes) return damaged(bootCode, "the GPT partition entries run past the end of the disk");
        long storedEntries = Bytes.u32le(header, 88);
        long computedEntries = crc32(entries);
        if (storedEntries != computedEntries) {
            return damaged(bootCode, String.format("the partition entries' CRC32 is %08x but their bytes give %08x",
                    storedEntries, computedEntries));
        }
        List<Partition> out = new ArrayList<>();
        for (int i = 0; i < count && out.size() < MAX_GPT_PARTITIONS; i++) {
            int e = (int) (i * entrySize);
            if (Bytes.allZero(entries, e, e + 16)) continue;
            long first = Bytes.u64le(entries, e + 32);
            long last = Bytes.u64le(entries, e + 40);
            if (last < first || last >= Long.MAX_VALUE / ss) continue;
            boolean legacyBootable = (Bytes.u64le(entries, e + 48) & 0x4) != 0;
            out.add(new Partition(i + 1, GPT, Bytes.guid(entries, e), first * ss,
                    (last - first + 1) * ss, legacyBootable));
        }
        return new PartitionTable(Optional.of(GPT), out, bootCode, Optional.empty());
    }

    private static PartitionTable damaged(boolean bootCode, String detail) {
        return new PartitionTable(Optional.of(GPT), List.of(), bootCode, Optional.of(FindingCode.GPT_CORRUPT.finding(detail)));
    }

    private static long crc32(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }
}
