package dev.vm2ami.image.partition;

import java.util.Map;

/** What people call a partition type: "Linux" for 0x83, "EFI System" for C12A7328-... */
public final class PartitionTypes {
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("0x01", "FAT12"), Map.entry("0x04", "FAT16"), Map.entry("0x05", "Extended"),
            Map.entry("0x06", "FAT16"), Map.entry("0x07", "NTFS/exFAT"), Map.entry("0x0B", "FAT32"),
            Map.entry("0x0C", "FAT32 (LBA)"), Map.entry("0x0E", "FAT16 (LBA)"), Map.entry("0x0F", "Extended (LBA)"),
            Map.entry("0x27", "Windows recovery"), Map.entry("0x42", "Windows dynamic disk"),
            Map.entry("0x82", "Linux swap"), Map.entry("0x83", "Linux"), Map.entry("0x85", "Linux extended"),
            Map.entry("0x8E", "Linux LVM"), Map.entry("0xEE", "GPT protective"), Map.entry("0xEF", "EFI System"),
            Map.entry("0xFD", "Linux RAID"),
            Map.entry(PartitionTables.ESP_GUID, "EFI System"),
            Map.entry(PartitionTables.BIOS_BOOT_GUID, "BIOS boot"),
            Map.entry("0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem"),
            Map.entry("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "Linux root (x86-64)"),
            Map.entry("BC13C2FF-59E6-4262-A352-B275FD6F7172", "Linux extended boot"),
            Map.entry("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "Linux swap"),
            Map.entry("E6D6D379-F507-44C2-A23C-238F2A3DF928", "Linux LVM"),
            Map.entry("A19D880F-05FC-4D3B-A006-743F0F84911E", "Linux RAID"),
            Map.entry("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "Microsoft basic data"),
            Map.entry("E3C9E316-0B5C-4DB8-817D-F92DF00215AE", "Microsoft reserved"),
            Map.entry("DE94BBA4-06D1-4D40-A16A-BFD50179D6AC", "Windows recovery"),
            Map.entry("5808C8AA-7E8F-42E0-85D2-E1E90434CFB3", "Windows LDM metadata"),
            Map.entry("AF9B60A0-1431-4F62-BC68-3311714A69AD", "Windows LDM data"));

    private PartitionTypes() {}

    /** The usual name of a partition type as {@link Partition#type()} gives it, or the type itself. */
    public static String describe(String type) {
        return NAMES.getOrDefault(type, type);
    }
}
