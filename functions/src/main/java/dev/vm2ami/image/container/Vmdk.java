package dev.vm2ami.image.container;

import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.MalformedImageException;
import dev.vm2ami.image.read.Bytes;
import dev.vm2ami.image.read.Region;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * VMware's VMDK: a hosted sparse extent ({@code KDMV}) with its embedded descriptor, or a
 * descriptor-only text file. Stream-optimized is the only VMDK EC2 takes; its grains are read
 * through the grain directory (in the footer at the end of the file) and inflated.
 */
public final class Vmdk {
    static final String STREAM_OPTIMIZED = "streamOptimized";
    private static final long GD_AT_END = -1L;
    private static final int FLAG_COMPRESSED = 1 << 16;
    private static final int FLAG_MARKERS = 1 << 17;
    private static final int MAX_DESCRIPTOR = 64 * 1024;
    private static final Pattern EXTENT = Pattern.compile("^\\s*(RW|RDONLY|NOACCESS)\\s+(\\d+)\\s+(\\w+)(?:\\s+\"([^\"]*)\")?",
            Pattern.MULTILINE);

    private Vmdk() {}

    public static Container open(Region image) throws IOException {
        byte[] h = image.read(0, 512);
        if (Bytes.has(h, 0, "COWD")) {
            return Container.broken("vmfsSparse", FindingCode.VMDK_SNAPSHOT_DELTA.finding("an ESX vmfsSparse (COWD) snapshot extent"));
        }
        if (Bytes.u64le(h, 0) == 0x00000000CAFEBABEL) {
            return Container.broken("seSparse", FindingCode.VMDK_SNAPSHOT_DELTA.finding(
                    "a SEsparse snapshot extent, a format VM Import/Export does not support"));
        }
        if (!Bytes.has(h, 0, "KDMV")) return descriptorOnly(new String(image.read(0, MAX_DESCRIPTOR), StandardCharsets.ISO_8859_1));
        try {
            return sparse(image, h);
        } catch (MalformedImageException e) {
            return Container.broken("sparse", e.finding());
        }
    }

    private static Container descriptorOnly(String text) {
        Map<String, String> d = descriptor(text);
        String createType = d.getOrDefault("createType", "unknown");
        List<String> files = new ArrayList<>();
        long sectors = 0;
        Matcher m = EXTENT.matcher(text);
        while (m.find() && files.size() < 64) {
            sectors += Long.parseLong(m.group(2).length() > 15 ? "0" : m.group(2));
            if (m.group(4) != null) files.add("'" + m.group(4) + "'");
        }
        List<Finding> findings = new ArrayList<>();
        parentOf(d).ifPresent(p -> findings.add(FindingCode.VMDK_SNAPSHOT_DELTA.finding(p)));
        String where = files.isEmpty() ? "extent files it does not name" : String.join(", ", files);
        findings.add(FindingCode.VMDK_DESCRIPTOR_ONLY.finding("createType " + createType, where));
        return new Container(createType + " descriptor", sectors * 512, Optional.empty(), findings);
    }

    private static Container sparse(Region image, byte[] h) throws IOException, MalformedImageException {
        long flags = Bytes.u32le(h, 8);
        long capacity = Bytes.u64le(h, 12);
        long grainSize = Bytes.u64le(h, 20);
        long descriptorOffset = Bytes.u64le(h, 28);
        long descriptorSize = Bytes.u64le(h, 36);
        long gtes = Bytes.u32le(h, 44);
        long gdOffset = Bytes.u64le(h, 56);
        int compression = Bytes.u16le(h, 77);

        Map<String, String> d = Map.of();
        if (descriptorOffset > 0 && descriptorSize > 0) {
            int n = (int) Math.min(descriptorSize, MAX_DESCRIPTOR / 512) * 512;
            d = descriptor(new String(image.read(descriptorOffset * 512, n), StandardCharsets.ISO_8859_1));
        }
        String createType = d.getOrDefault("createType", "");
        boolean streamOptimized = createType.isEmpty()
                ? (flags & FLAG_COMPRESSED) != 0 && (flags & FLAG_MARKERS) != 0
                : createType.equalsIgnoreCase(STREAM_OPTIMIZED);
        String subformat = createType.isEmpty() ? (streamOptimized ? STREAM_OPTIMIZED : "sparse") : createType;
        if (capacity > (1L << 50)) throw new MalformedImageException(FindingCode.VMDK_CORRUPT, "its header claims " + capacity + " sectors");
        long size = capacity * 512;

        List<Finding> findings = new ArrayList<>();
        parentOf(d).ifPresent(p -> findings.add(FindingCode.VMDK_SNAPSHOT_DELTA.finding(p)));
        if (!streamOptimized) {
            findings.add(FindingCode.VMDK_NOT_STREAM_OPTIMIZED.finding(createType.isEmpty()
                    ? "a sparse VMDK without a descriptor" : "of type " + createType
                    + (createType.toLowerCase(Locale.ROOT).startsWith("twogb") ? " (split into 2 GB extent files)" : "")));
        } else if (compression != 1) {
            findings.add(FindingCode.VMDK_UNSUPPORTED_COMPRESSION.finding(compression == 0 ? "0 (none)" : String.valueOf(compression)));
        } else if ((flags & FLAG_COMPRESSED) == 0) {
            findings.add(FindingCode.VMDK_CORRUPT.finding("its descriptor says streamOptimized but its header flags say the grains are not compressed"));
        }
        if (grainSize < 8 || grainSize > 2048 || Long.bitCount(grainSize) != 1) {
            findings.add(FindingCode.VMDK_CORRUPT.finding("its grain size is " + grainSize + " sectors"));
            return new Container(subformat, size, Optional.empty(), findings);
        }
        if (gtes < 1 || gtes > 4096) {
            findings.add(FindingCode.VMDK_CORRUPT.finding("its grain tables have " + gtes + " entries"));
            return new Container(subformat, size, Optional.empty(), findings);
        }
        if (gdOffset == GD_AT_END) {
            byte[] footer = image.read(image.length() - 1024, 512);
            if (!Bytes.has(footer, 0, "KDMV")) {
                findings.add(FindingCode.IMAGE_TRUNCATED.finding(
                        "the stream-optimized VMDK's footer is not in its last 1024 bytes, where the grain directory is found"));
                return new Container(subformat, size, Optional.empty(), findings);
            }
            gdOffset = Bytes.u64le(footer, 56);
        }
        if (gdOffset <= 0 || gdOffset >= image.length() / 512) {
            // A VMDK already rejected for its type need not also be called damaged for lacking grains.
            if (!streamOptimized) return new Container(subformat, size, Optional.empty(), findings);
            findings.add(FindingCode.VMDK_CORRUPT.finding("its grain directory offset (sector " + gdOffset + ") is outside the file"));
            return new Container(subformat, size, Optional.empty(), findings);
        }
        boolean compressed = (flags & FLAG_COMPRESSED) != 0;
        return new Container(subformat, size, Optional.of(new GrainDisk(image, size, (int) grainSize * 512, (int) gtes, gdOffset, compressed)),
                findings);
    }

    private static Optional<String> parentOf(Map<String, String> d) {
        String parentCid = d.getOrDefault("parentCID", "ffffffff");
        if (parentCid.equalsIgnoreCase("ffffffff")) return Optional.empty();
        return Optional.of("parentCID " + parentCid + Optional.ofNullable(d.get("parentFileNameHint")).map(p -> ", parent '" + p + "'").orElse(""));
    }

    /** The descriptor's {@code key = "value"} lines. */
    static Map<String, String> descriptor(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int lines = 0;
        for (String line : text.split("\n")) {
            if (++lines > 1000) break;
            String l = line.replace("\0", "").trim();
            int eq = l.indexOf('=');
            if (l.startsWith("#") || eq <= 0) continue;
            out.putIfAbsent(l.substring(0, eq).trim(), l.substring(eq + 1).trim().replace("\"", ""));
        }
        return out;
    }

    /** The disk in a sparse extent: grain directory, grain tables, grains (deflated behind a 12-byte marker when compressed). */
    private static final class GrainDisk implements VirtualDisk {
        private final Region image;
        private final long size;
        private final int grainBytes;
        private final int gtes;
        private final long gdOffset;
        private final boolean compressed;
        private final Map<Long, byte[]> grains = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > 16;
            }
        };

        GrainDisk(Region image, long size, int grainBytes, int gtes, long gdOffset, boolean compressed) {
            this.image = image;
            this.size = size;
            this.grainBytes = grainBytes;
            this.gtes = gtes;
            this.gdOffset = gdOffset;
            this.compressed = compressed;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public byte[] read(long offset, int length) throws IOException, MalformedImageException {
            return VirtualDisk.readBlocks(size, grainBytes, offset, length, (grain, within, out, at, n) -> {
                byte[] g = grain(grain);
                if (g != null) System.arraycopy(g, within, out, at, Math.min(n, Math.max(0, g.length - within)));
            });
        }

        /** The grain's bytes, or null when it is not allocated (reads as zeros). */
        private byte[] grain(long index) throws IOException, MalformedImageException {
            if (grains.containsKey(index)) return grains.get(index);
            long gt = Bytes.u32le(image.readFully(gdOffset * 512 + index / gtes * 4, 4, "a grain directory entry"), 0);
            byte[] g = null;
            if (gt != 0) {
                long sector = Bytes.u32le(image.readFully(gt * 512 + index % gtes * 4, 4, "a grain table entry"), 0);
                if (sector > 1) g = compressed ? inflate(index, sector) : image.readFully(sector * 512, grainBytes, "a grain");
            }
            grains.put(index, g);
            return g;
        }

        private byte[] inflate(long index, long sector) throws IOException, MalformedImageException {
            byte[] marker = image.readFully(sector * 512, 12, "a grain marker");
            long lba = Bytes.u64le(marker, 0);
            long length = Bytes.u32le(marker, 8);
            long expectedLba = index * (grainBytes / 512);
            if (lba != expectedLba) {
                throw new MalformedImageException(FindingCode.VMDK_CORRUPT, "the grain table points grain " + index
                        + " at a grain for sector " + lba);
            }
            if (length == 0 || length > 2L * grainBytes + 1024) {
                throw new MalformedImageException(FindingCode.VMDK_CORRUPT, "the grain at sector " + sector + " says it is "
                        + length + " bytes compressed");
            }
            byte[] data = image.readFully(sector * 512 + 12, (int) length, "a compressed grain");
            Inflater inflater = new Inflater();
            try {
                inflater.setInput(data);
                byte[] out = new byte[grainBytes];
                int n = 0;
                while (n < out.length && !inflater.finished()) {
                    int k = inflater.inflate(out, n, out.length - n);
                    if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
                    n += k;
                }
                long expected = Math.min(grainBytes, size - index * grainBytes);
                if (n != expected && n != grainBytes) { // the last grain may come padded to a whole grain
                    throw new MalformedImageException(FindingCode.VMDK_CORRUPT, "the grain for sector " + lba + " inflates to "
                            + n + " bytes instead of " + expected + " (EC2: 'Uncompressed data has invalid length')");
                }
                return out;
            } catch (DataFormatException e) {
                throw new MalformedImageException(FindingCode.VMDK_CORRUPT, "the grain for sector " + lba
                        + " does not inflate (" + e.getMessage() + ")");
            } finally {
                inflater.end();
            }
        }
    }
}
