package dev.vm2ami.image.verdict;

import dev.vm2ami.image.container.ConvertibleImage;
import dev.vm2ami.image.container.DiskFormat;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.fs.FileSystems;
import dev.vm2ami.image.read.Bytes;
import dev.vm2ami.image.read.Region;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Says what an image is from its bytes: the first 36 KiB and, unless those settle it, the last 512
 * bytes (one or two reads through the cache). The extension only decides between "raw" and "unknown" for bytes that carry
 * no header at all, since a raw disk may start with anything.
 */
final class FormatSniffer {
    static final int HEAD = 36 * 1024;

    /**
     * What the bytes are; {@code unsupported} is set when they are a known format EC2 does not take,
     * {@code convertible} when vm2ami converts them (qcow2, VDI, a hosted VMDK, gzip/xz/zstd).
     */
    record Sniff(DiskFormat format, Optional<Finding> unsupported, boolean convertible) {
        static Sniff of(DiskFormat format) {
            return new Sniff(format, Optional.empty(), false);
        }

        static Sniff not(Finding finding) {
            return new Sniff(DiskFormat.UNKNOWN, Optional.of(finding), false);
        }

        static Sniff converted(DiskFormat format) {
            return new Sniff(format, Optional.empty(), true);
        }
    }

    private FormatSniffer() {}

    static Sniff sniff(Region image, String fileName) throws IOException {
        byte[] head = image.read(0, HEAD);
        if (ConvertibleImage.isConvertible(head, head.length)) return Sniff.converted(ConvertibleImage.formatOf(head, head.length));
        if (Bytes.has(head, 0, "KDMV") || Bytes.has(head, 0, "COWD") || isSeSparse(head)
                || Bytes.has(head, 0, "# Disk DescriptorFile")) {
            return Sniff.of(DiskFormat.VMDK);
        }
        if (Bytes.has(head, 0, "vhdxfile")) return Sniff.of(DiskFormat.VHDX);
        byte[] tail = image.read(image.length() - 512, 512); // only the formats above are known without it
        if (Bytes.has(tail, 0, "conectix") || Bytes.has(tail, 1, "conectix")) return Sniff.of(DiskFormat.VHD);
        if (Bytes.has(head, 257, "ustar")) return Sniff.of(DiskFormat.OVA);

        Optional<Finding> other = otherFormat(head);
        if (other.isPresent()) return new Sniff(DiskFormat.UNKNOWN, other, false);

        if (isText(head)) {
            String text = new String(head, StandardCharsets.ISO_8859_1);
            if (text.startsWith("# Disk DescriptorFile") || text.contains("createType=")) return Sniff.of(DiskFormat.VMDK);
            if (text.contains("Envelope") && text.toLowerCase(java.util.Locale.ROOT).contains("ovf")) {
                return Sniff.not(FindingCode.OVF_DESCRIPTOR_ONLY.finding());
            }
            return Sniff.not(FindingCode.TEXT_FILE.finding());
        }
        if (Bytes.u16le(head, 510) == 0xAA55 || Bytes.has(head, 512, "EFI PART") || Bytes.has(head, 4096, "EFI PART")
                || !FileSystems.identify(head).equals(FileSystems.UNKNOWN)) {
            return Sniff.of(DiskFormat.RAW);
        }
        if (DiskFormat.fromFileName(fileName).orElse(DiskFormat.UNKNOWN) == DiskFormat.RAW) return Sniff.of(DiskFormat.RAW);
        return Sniff.of(DiskFormat.UNKNOWN);
    }

    private static boolean isSeSparse(byte[] head) {
        return Bytes.u64le(head, 0) == 0x00000000CAFEBABEL;
    }

    private static Optional<Finding> otherFormat(byte[] h) {
        if (Bytes.has(h, 0, "QED\0")) {
            return unsupported("QED image (QEMU enhanced disk)", "convert it (qemu-img convert -O raw disk.qed disk.raw) and upload the result.");
        }
        if (Bytes.has(h, 32769, "CD001")) {
            return unsupported("ISO 9660 image (an optical disc, e.g. an installer)",
                    "install the OS from the ISO into a VM, then export that VM's disk.");
        }
        if (Bytes.has(h, 0, "BZh") && Bytes.u8(h, 3) >= '1' && Bytes.u8(h, 3) <= '9') return Optional.of(FindingCode.COMPRESSED_IMAGE.finding("bzip2"));
        if (Bytes.has(h, 0, "PK\3\4") || Bytes.has(h, 0, "PK\5\6")) return Optional.of(FindingCode.COMPRESSED_IMAGE.finding("zip"));
        if (Bytes.has(h, 0, new byte[]{'7', 'z', (byte) 0xBC, (byte) 0xAF, 0x27, 0x1C})) return Optional.of(FindingCode.COMPRESSED_IMAGE.finding("7-Zip"));
        return Optional.empty();
    }

    private static Optional<Finding> unsupported(String what, String fix) {
        return Optional.of(FindingCode.UNSUPPORTED_FORMAT.finding(what, fix));
    }

    /**
     * At least 95% printable and no NUL in the first 4 KiB, NUL padding at the end aside (qemu-img
     * pads VMDK descriptors to a sector): a descriptor, a script, an error page.
     */
    private static boolean isText(byte[] head) {
        int n = Math.min(head.length, 4096);
        int end = n;
        while (end > 0 && head[end - 1] == 0) end--;
        if (end == 0 || (end < n && n < head.length)) return false;
        n = end;
        int printable = 0;
        for (int i = 0; i < n; i++) {
            int b = head[i] & 0xFF;
            if (b == 0) return false;
            if (b == '\t' || b == '\n' || b == '\r' || (b >= 0x20 && b < 0x7F) || b >= 0x80) printable++;
        }
        return printable * 100L >= n * 95L;
    }
}
