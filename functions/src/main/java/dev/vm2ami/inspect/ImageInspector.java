package dev.vm2ami.inspect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Pre-flight inspection: reads a few blocks of an image and says whether EC2 VM import would take
 * it. A first version: detects the container format from its magic bytes and rejects empty and
 * unrecognised images.
 */
public final class ImageInspector {

    public InspectionReport inspect(ByteRangeReader reader, InspectionRequest request) {
        List<Finding> findings = new ArrayList<>();
        if (reader.size() == 0) {
            findings.add(new Finding(Severity.ERROR, "EMPTY_IMAGE", "The image is empty (0 bytes).",
                    "Upload the whole disk image; EC2 refuses it with 'Parameter disk-image-size=0 has an invalid format'."));
            return new InspectionReport(DiskFormat.UNKNOWN, Verdict.REJECT, findings, List.of(), reader.bytesRead(), reader.rangeRequests());
        }
        DiskFormat format;
        try {
            format = detect(reader);
        } catch (IOException e) {
            findings.add(new Finding(Severity.ERROR, "UNREADABLE", "The image could not be read: " + e.getMessage(),
                    "Check that the object exists and that vm2ami may read it."));
            return new InspectionReport(DiskFormat.UNKNOWN, Verdict.REJECT, findings, List.of(), reader.bytesRead(), reader.rangeRequests());
        }
        if (format == DiskFormat.UNKNOWN) {
            findings.add(new Finding(Severity.ERROR, "UNKNOWN_FORMAT",
                    "The image is none of the formats EC2 VM import takes (OVA, VMDK, VHD, VHDX, raw).",
                    "Export the VM as OVA, stream-optimized VMDK, VHD/VHDX or a raw disk."));
        }
        Verdict verdict = findings.stream().anyMatch(f -> f.severity() == Severity.ERROR) ? Verdict.REJECT : Verdict.ACCEPT;
        return new InspectionReport(format, verdict, findings, List.of(), reader.bytesRead(), reader.rangeRequests());
    }

    private static DiskFormat detect(ByteRangeReader reader) throws IOException {
        byte[] head = reader.read(0, (int) Math.min(reader.size(), 1024));
        if (startsWith(head, 0, "KDMV") || startsWith(head, 0, "# Disk DescriptorFile")) return DiskFormat.VMDK;
        if (startsWith(head, 0, "vhdxfile")) return DiskFormat.VHDX;
        if (head.length >= 262 && startsWith(head, 257, "ustar")) return DiskFormat.OVA;
        if (reader.size() >= 512) {
            byte[] tail = reader.read(reader.size() - 512, 512);
            if (startsWith(tail, 0, "conectix")) return DiskFormat.VHD;
        }
        if (head.length >= 512 && (head[510] & 0xFF) == 0x55 && (head[511] & 0xFF) == 0xAA) return DiskFormat.RAW;
        return DiskFormat.UNKNOWN;
    }

    private static boolean startsWith(byte[] data, int offset, String magic) {
        byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
        if (data.length < offset + m.length) return false;
        for (int i = 0; i < m.length; i++) if (data[offset + i] != m[i]) return false;
        return true;
    }
}
