"""What EC2 VM import would say about an image's bytes, for the simulator.

Deliberately small and independent of vm2ami's own pre-flight inspection (Java): this stands in
for AWS, so the pipeline's inspection is tested against it rather than against itself. Each rule
returns the stage AWS fails in and the StatusMessage it fails with (see ../shared/reference/).
"""

import struct

HEAD_BYTES = 64 * 1024
TAIL_BYTES = 512

UNSUPPORTED_VMDK = "ClientError: Disk validation failed [Unsupported VMDK File Format]"
NO_PARTITIONS = "ClientError: No valid partitions. Not a valid volume."
FOOTERS = "ClientError: Footers not identical"
UNSUPPORTED_OVA = "ClientError: Disk validation failed [Unsupported OVA format]"
NOT_VHD = "ClientError: Disk validation failed [Unsupported VHD format: no VHD footer found]"
NOT_VHDX = "ClientError: Disk validation failed [Unsupported VHDX format: no VHDX file signature found]"


def expected_failure(fmt, head, tail, size):
    """(stage, message) when AWS would fail this image, else None."""
    if fmt == "VMDK":
        return _vmdk(head)
    if fmt == "VHD":
        return _vhd(head, tail)
    if fmt == "VHDX":
        return None if head.startswith(b"vhdxfile") else ("validating", NOT_VHDX)
    if fmt == "OVA":
        return _ova(head)
    if fmt == "RAW":
        return None if _has_partition_table(head) else ("converting", NO_PARTITIONS)
    return None


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
