package dev.vm2ami.image.container;

import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.read.ByteSource;
import dev.vm2ami.image.read.SourceStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The images EC2 does not take but vm2ami converts: qcow2, VDI, hosted VMDK (monolithicSparse,
 * split, flat), and gzip/xz/zstd around any of them or around a raw disk. Says what an image is,
 * opens its disk, and, for the pre-flight, checks what can be checked without reading its data.
 */
public final class ConvertibleImage {
    /** Bytes read to tell the format. */
    public static final int HEAD = 4096;
    /** Decompressed bytes read at the start of a compressed image, for its inner header. */
    public static final int PEEK = 64 * 1024;

    /** An uncompressed image's disk, and what it is ("qcow2 v3", "VDI (dynamic)", "VMDK (twoGbMaxExtentSparse)"). */
    public record Opened(String from, BlockDisk disk) {}

    /**
     * What the pre-flight learns of a convertible image without converting it.
     *
     * @param from        what it is ("qcow2 v3", "xz-compressed VDI (dynamic)")
     * @param format      the format of the disk image (inside the compression)
     * @param virtualSize the disk's size, or -1 for a compressed raw image (known only at its end)
     * @param compression the compression around it, if any
     */
    public record Recognition(String from, DiskFormat format, long virtualSize, Optional<Compression> compression) {}

    /** What is inside a compressed image, from its first decompressed bytes. */
    public enum Inner { RAW, CONTAINER }

    private ConvertibleImage() {}

    /** Whether the image's first bytes are a format vm2ami converts (rather than imports as it is, or knows nothing of). */
    public static boolean isConvertible(byte[] head, int n) {
        return Compression.of(head, n).isPresent() || Qcow2.is(head) || Vdi.is(head)
                || (SparseExtent.is(head) && !isStreamOptimized(head, n)) || HostedVmdk.isDescriptor(head, n);
    }

    /** The format of a convertible image, as far as its first bytes say: RAW for a compressed one, whatever is inside. */
    public static DiskFormat formatOf(byte[] head, int n) {
        if (Qcow2.is(head)) return DiskFormat.QCOW2;
        if (Vdi.is(head)) return DiskFormat.VDI;
        if (SparseExtent.is(head) || HostedVmdk.isDescriptor(head, n)) return DiskFormat.VMDK;
        return DiskFormat.RAW;
    }

    /**
     * A stream-optimized VMDK is what EC2 takes: imported as it is, not converted. Its embedded
     * descriptor says so, or without one its flags (compressed grains with markers). A header too
     * damaged to tell is left to the VMDK inspection, which names the damage.
     */
    private static boolean isStreamOptimized(byte[] head, int n) {
        SparseExtent.Header h;
        try {
            h = SparseExtent.header(new Peek(head, n));
        } catch (IOException | ConversionException e) {
            return true;
        }
        String createType = HostedVmdk.keys(h.descriptor()).getOrDefault("createType", "");
        if (!createType.isEmpty()) return createType.equalsIgnoreCase("streamOptimized");
        return (h.flags() & (1 << 16)) != 0 && (h.flags() & (1 << 17)) != 0;
    }

    /** Opens an uncompressed image (for a split VMDK, its extents through {@code extents}). */
    public static Opened open(ByteSource source, ExtentFiles extents) throws IOException, ConversionException {
        byte[] head = new byte[HEAD];
        int n = source.read(0, head, 0, head.length);
        if (n <= 0) throw new ConversionException(FindingCode.EMPTY_IMAGE);
        refuseImportable(head, n, "");
        if (isVhdFooter(source)) refuseImportable("conectix".getBytes(StandardCharsets.ISO_8859_1), 8, "");
        return container(head, n, source, extents);
    }

    private static Opened container(byte[] head, int n, ByteSource source, ExtentFiles extents) throws IOException, ConversionException {
        if (Qcow2.is(head)) {
            Qcow2 q = Qcow2.open(source);
            return new Opened(q.header().describe(), q);
        }
        if (Vdi.is(head)) {
            Vdi v = Vdi.open(source);
            return new Opened(v.header().describe(), v);
        }
        if (SparseExtent.is(head)) {
            HostedVmdk.Opened v = HostedVmdk.openSparse(source);
            return new Opened(v.describe(), v.disk());
        }
        if (n >= 4 && head[0] == 'C' && head[1] == 'O' && head[2] == 'W' && head[3] == 'D') {
            throw new ConversionException(FindingCode.VMDK_SNAPSHOT_DELTA, "an ESX vmfsSparse (COWD) snapshot extent");
        }
        if (HostedVmdk.isDescriptor(head, n)) {
            HostedVmdk.Opened v = HostedVmdk.openDescriptor(source, extents);
            return new Opened(v.describe(), v.disk());
        }
        return new Opened("raw", BlockDisk.raw(source));
    }

    /**
     * Says what the image is and whether it can be converted, from its headers and tables, without
     * reading its data: throws the finding when it cannot (a backing file, encryption, a cut-off
     * file: the tables furthest into it are checked, at most {@code maxTables} of them; an extent
     * missing; an xz stream without its end). A compressed image is read only at its start (and, for
     * xz, its end): a gzip or zstd image cut short is found when it is converted.
     */
    public static Recognition recognize(ByteSource source, ExtentFiles extents, int maxTables) throws IOException, ConversionException {
        byte[] head = new byte[HEAD];
        int n = source.read(0, head, 0, head.length);
        if (n <= 0) throw new ConversionException(FindingCode.EMPTY_IMAGE);
        Optional<Compression> compression = Compression.of(head, n);
        if (compression.isEmpty()) {
            Opened c = open(source, extents);
            try (BlockDisk disk = c.disk()) {
                disk.checkWithinFile(maxTables);
                return new Recognition(c.from(), formatOf(head, n), disk.size(), Optional.empty());
            }
        }
        Compression z = compression.get();
        if (z == Compression.XZ) xzEnds(source);
        byte[] inner = new byte[PEEK];
        int k;
        try (InputStream in = z.open(new SourceStream(source, 0, 64 * 1024))) {
            k = z.readFully(in, inner, inner.length);
        }
        String label = z.label() + "-compressed ";
        if (inside(z, inner, k) == Inner.RAW) return new Recognition(label + "raw", DiskFormat.RAW, -1, compression);
        // Only the start is at hand: the header says what the image is and what it depends on.
        ByteSource peek = new Peek(inner, k);
        if (Qcow2.is(inner)) {
            Qcow2.Header h = Qcow2.header(peek);
            return new Recognition(label + h.describe(), DiskFormat.QCOW2, h.size(), compression);
        }
        if (Vdi.is(inner)) {
            Vdi.Header h = Vdi.header(peek);
            return new Recognition(label + h.describe(), DiskFormat.VDI, h.size(), compression);
        }
        SparseExtent.Header h = SparseExtent.header(peek);
        if (h.descriptor().isBlank()) {
            throw new ConversionException(FindingCode.VMDK_EXTENT_ALONE, "a sparse extent without a descriptor, inside a " + z.label() + " archive");
        }
        return new Recognition(label + "VMDK (" + HostedVmdk.keys(h.descriptor()).getOrDefault("createType", "monolithicSparse") + ")",
                DiskFormat.VMDK, h.capacitySectors() * 512, compression);
    }

    /**
     * What the first decompressed bytes of a {@code z}-compressed image are: a raw disk (streamed),
     * or a container (decompressed to a temporary file first); throws what cannot be converted.
     */
    public static Inner inside(Compression z, byte[] inner, int k) throws ConversionException {
        String where = " inside a " + z.label() + " archive";
        if (k == 0) throw new ConversionException(FindingCode.COMPRESSED_STREAM_CORRUPT, z.label(), "it holds no data");
        Optional<Compression> nested = Compression.of(inner, k);
        if (nested.isPresent()) {
            throw new ConversionException(FindingCode.NOT_CONVERTIBLE, "a " + nested.get().label() + " archive" + where,
                    "Decompress it down to the disk image and upload that, or the disk image compressed once.");
        }
        refuseImportable(inner, k, where);
        if (Qcow2.is(inner) || Vdi.is(inner) || SparseExtent.is(inner)) return Inner.CONTAINER;
        if (HostedVmdk.isDescriptor(inner, k)) {
            throw new ConversionException(FindingCode.VMDK_DESCRIPTOR_ONLY, "a descriptor" + where, "its extent files");
        }
        return Inner.RAW;
    }

    /** Formats EC2 imports as they are, which would otherwise pass for raw disks here. */
    private static void refuseImportable(byte[] head, int n, String where) throws ConversionException {
        String what = null;
        if (n >= 8 && new String(head, 0, 8, StandardCharsets.ISO_8859_1).equals("vhdxfile")) what = "a VHDX image";
        else if (n >= 8 && new String(head, 0, 8, StandardCharsets.ISO_8859_1).equals("conectix")) what = "a VHD image";
        else if (n > 262 && new String(head, 257, 5, StandardCharsets.ISO_8859_1).equals("ustar")) what = "a tar archive (an OVA?)";
        if (what != null) {
            throw new ConversionException(FindingCode.NOT_CONVERTIBLE, what + where,
                    "Upload the disk image itself, uncompressed: EC2 imports OVA, VHD and VHDX as they are; a tar archive of a disk image is extracted first.");
        }
    }

    private static boolean isVhdFooter(ByteSource source) throws IOException {
        if (source.size() < 1024) return false;
        byte[] tail = new byte[8];
        return source.read(source.size() - 512, tail, 0, 8) == 8 && new String(tail, StandardCharsets.ISO_8859_1).equals("conectix");
    }

    /** An xz file ends with its stream footer's magic ("YZ"), then at most some zero padding. */
    private static void xzEnds(ByteSource source) throws IOException, ConversionException {
        int n = (int) Math.min(source.size(), 1024);
        byte[] tail = new byte[n];
        int got = source.read(source.size() - n, tail, 0, n);
        int end = got;
        while (end >= 4 && tail[end - 1] == 0 && tail[end - 2] == 0 && tail[end - 3] == 0 && tail[end - 4] == 0) end -= 4;
        if (end < 12 || tail[end - 2] != 'Y' || tail[end - 1] != 'Z') {
            throw new ConversionException(FindingCode.COMPRESSED_STREAM_CORRUPT, "xz",
                    "the file ends before its xz stream does (no stream footer): it is truncated");
        }
    }

    /** The decompressed start of an image, as a source whose end is not known: reads past what is here find nothing. */
    private record Peek(byte[] data, int length) implements ByteSource {
        @Override
        public long size() {
            return Long.MAX_VALUE / 4;
        }

        @Override
        public int read(long pos, byte[] b, int off, int len) {
            if (pos >= length) return 0;
            int n = (int) Math.min(len, length - pos);
            System.arraycopy(data, (int) pos, b, off, n);
            return n;
        }

        @Override
        public long bytesRead() {
            return 0;
        }
    }
}
