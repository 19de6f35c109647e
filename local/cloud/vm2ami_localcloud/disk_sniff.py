"""What EC2 VM import would say about an image's bytes, for the simulator.

Deliberately small and independent of vm2ami's own pre-flight inspection (Java): this stands in
for AWS, so the pipeline's inspection is tested against it rather than against itself. Each rule
returns the stage AWS fails in and the StatusMessage it fails with (see ../shared/reference/).
"""

import os
import struct

HEAD_BYTES = 64 * 1024
TAIL_BYTES = 512

UNSUPPORTED_VMDK = "ClientError: Disk validation failed [Unsupported VMDK File Format]"
NO_PARTITIONS = "ClientError: No valid partitions. Not a valid volume."
FOOTERS = "ClientError: Footers not identical"
UNSUPPORTED_OVA = "ClientError: Disk validation failed [Unsupported OVA format]"
NOT_VHD = "ClientError: Disk validation failed [Unsupported VHD format: no VHD footer found]"
NOT_VHDX = "ClientError: Disk validation failed [Unsupported VHDX format: no VHDX file signature found]"


def _load_facts():
    """EC2's facts about file systems: the file the pre-flight check (Java) reads too.

    The local cloud's folder holds a copy (LocalCloud unpacks it there); the source tree has it in
    the functions module, for the extension's own tests.
    """
    here = os.path.dirname(os.path.abspath(__file__))
    for path in (os.path.join(here, "..", "ec2-file-systems.properties"),
                 os.path.join(here, "..", "..", "..", "functions", "src", "main", "resources", "dev", "vm2ami",
                              "image", "fs", "ec2-file-systems.properties")):
        if os.path.isfile(path):
            facts = {}
            with open(path, encoding="utf-8") as f:
                for line in f:
                    line = line.strip()
                    if line and not line.startswith("#") and "=" in line:
                        key, value = line.split("=", 1)
                        facts[key.strip()] = value.strip()
            return facts
    raise FileNotFoundError("ec2-file-systems.properties is missing beside the extension (" + here + ")")


FACTS = _load_facts()
READABLE = frozenset(FACTS["readable"].split(","))
CONTAINERS = frozenset(FACTS["containers"].split(","))
NO_FILE_SYSTEM = (FACTS["no-file-system.stage"], FACTS["no-file-system.message"])


def expected_failure(fmt, head, tail, size, read=None):
    """(stage, message) when AWS would fail this image, else None.

    ``read(offset, length)`` reads the object's bytes: with it, a raw disk's partitions are looked
    into, and a disk none of whose partitions holds a file system EC2 reads fails as on EC2.
    """
    if fmt == "VMDK":
        return _vmdk(head)
    if fmt == "VHD":
        return _vhd(head, tail)
    if fmt == "VHDX":
        return None if head.startswith(b"vhdxfile") else ("validating", NOT_VHDX)
    if fmt == "OVA":
        return _ova(head)
    if fmt == "RAW":
        if not _has_partition_table(head):
            return ("converting", NO_PARTITIONS)
        if read is not None:
            found = [file_system(read, offset) for offset in partition_offsets(head)]
            if found and not any(fs in READABLE or fs in CONTAINERS for fs in found):
                return NO_FILE_SYSTEM
    return None


def partition_offsets(head):
    """Byte offsets of the partitions of an MBR (primary entries) or GPT disk, from its first bytes."""
    if len(head) >= 1024 and head[512:520] == b"EFI PART":
        entries_lba, count, size = struct.unpack_from("<QII", head, 512 + 72)
        offsets = []
        for i in range(min(count, 128)):
            at = entries_lba * 512 + i * size
            if at + 40 > len(head):
                break
            if head[at:at + 16] != b"\0" * 16:
                offsets.append(struct.unpack_from("<Q", head, at + 32)[0] * 512)
        return offsets
    offsets = []
    for i in range(4):
        entry = head[446 + 16 * i:446 + 16 * (i + 1)]
        if entry[4] not in (0, 0xEE):
            offsets.append(struct.unpack_from("<I", entry, 8)[0] * 512)
    return offsets


def file_system(read, offset):
    """The file system at a partition's start, by its superblock magic (blkid's names), or 'unknown'."""
    first = read(offset, 8192)
    if len(first) >= 1082 and first[1080:1082] == b"\x53\xef":
        return "ext4"  # ext2/3/4 alike here: EC2 reads them all
    if first[0:4] == b"XFSB":
        return "xfs"
    if first[3:11] == b"NTFS    ":
        return "ntfs"
    if first[512:520] == b"LABELONE" or first[0:8] == b"LABELONE":
        return "lvm2"
    if first[4086:4096] in (b"SWAPSPACE2", b"SWAP-SPACE"):
        return "swap"
    if first[3:11] in (b"MSDOS5.0", b"mkfs.fat", b"MSWIN4.1") or first[54:59] == b"FAT12" or first[82:87] == b"FAT32":
        return "vfat"
    if read(offset + 32768, 4) == b"JFS1":
        return "jfs"
    if read(offset + 65536 + 64, 8) == b"_BHRfS_M":
        return "btrfs"
    return "unknown"


def _vmdk(head):
    if head.startswith(b"KDMV") and len(head) >= 512:
        flags = struct.unpack_from("<I", head, 8)[0]
        desc_offset, desc_size = struct.unpack_from("<QQ", head, 28)
        create_type = None
        if desc_offset and desc_offset * 512 < len(head):
            text = head[desc_offset * 512:(desc_offset + desc_size) * 512].split(b"\0", 1)[0]
            for line in text.decode("latin-1").splitlines():
                if line.strip().startswith("createType"):
                    create_type = line.split("=", 1)[1].strip().strip('"')
        stream_optimized = create_type == "streamOptimized" if create_type else bool(flags & (1 << 16))
        return None if stream_optimized else ("validating", UNSUPPORTED_VMDK)
    # A descriptor-only (flat/split) VMDK, or not a VMDK at all.
    return ("validating", UNSUPPORTED_VMDK)


def _vhd(head, tail):
    footer = tail[-512:]
    if not footer.startswith(b"conectix"):
        # Pre-2004 VHDs have a 511-byte footer.
        footer = tail[-511:]
        if not footer.startswith(b"conectix"):
            return ("validating", NOT_VHD)
    disk_type = struct.unpack_from(">I", footer, 60)[0]
    if disk_type == 4:
        return ("validating", FOOTERS)  # a differencing disk: AWS cannot import it
    if disk_type == 3 and head[:len(footer)] != footer:
        return ("validating", FOOTERS)  # a dynamic disk keeps a copy of its footer at offset 0
    return None


def _ova(head):
    if len(head) < 512 or head[257:262] != b"ustar":
        return ("validating", UNSUPPORTED_OVA)
    first_member = head[0:100].split(b"\0", 1)[0].decode("latin-1")
    return None if first_member.lower().endswith(".ovf") else ("validating", UNSUPPORTED_OVA)


def _has_partition_table(head):
    if len(head) >= 1024 and head[512:520] == b"EFI PART":
        return True
    if len(head) < 512 or head[510:512] != b"\x55\xaa":
        return False
    entries = [head[446 + 16 * i:446 + 16 * (i + 1)] for i in range(4)]
    return any(e[4] != 0 for e in entries)  # a partition type byte other than "empty"
