package dev.vm2ami.image.container;

import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.read.ByteSource;

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

/**
 * VMware's VMDK as a conversion source: a single hosted sparse file (monolithicSparse,
 * streamOptimized), or a descriptor whose extents are other files (twoGbMaxExtentSparse,
 * twoGbMaxExtentFlat, monolithicFlat, vmfs), opened through {@link ExtentFiles} and read as one
 * disk. Snapshots (a parent) and ESX delta formats are refused; so is an extent file alone.
 */
public final class HostedVmdk {
    private static final int MAX_DESCRIPTOR = 64 * 1024;
    private static final int MAX_EXTENTS = 1024;
    private static final Pattern CREATE_TYPE = Pattern.compile("^\\s*createType\\s*=", Pattern.MULTILINE);
    private static final Pattern EXTENT = Pattern.compile(
            "^\\s*(RW|RDONLY|NOACCESS)\\s+(\\d{1,15})\\s+(\\w+)(?:\\s+\"([^\"]*)\"(?:\\s+(\\d{1,15}))?)?\\s*$", Pattern.MULTILINE);

    /** A VMDK opened for reading: its disk and what it is ({@code monolithicSparse}, {@code twoGbMaxExtentSparse}...). */
    public record Opened(BlockDisk disk, String createType) {
        public String describe() {
            return "VMDK (" + createType + ")";
        }
    }

    private HostedVmdk() {}

    /** A text descriptor (not a sparse extent, whose embedded descriptor also says createType). */
    static boolean isDescriptor(byte[] head, int length) {
        if (SparseExtent.is(head)) return false;
        int end = 0;
        while (end < Math.min(length, 4096) && head[end] != 0) end++; // descriptors may be padded with NULs
        String text = new String(head, 0, end, StandardCharsets.ISO_8859_1);
        if (text.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t')) return false;
        return text.startsWith("# Disk DescriptorFile") || CREATE_TYPE.matcher(text).find();
    }

    /** A file that starts with {@code KDMV}: a whole sparse disk with its descriptor inside. */
    public static Opened openSparse(ByteSource source) throws IOException, ConversionException {
        SparseExtent.Header header = SparseExtent.header(source);
        if (header.descriptor().isBlank()) {
            throw new ConversionException(FindingCode.VMDK_EXTENT_ALONE, "a sparse extent without a descriptor");
        }
        Map<String, String> d = keys(header.descriptor());
        rejectParent(d);
        String createType = d.getOrDefault("createType", "monolithicSparse");
        if (!createType.equalsIgnoreCase("monolithicSparse") && !createType.equalsIgnoreCase("streamOptimized")) {
            throw new ConversionException(FindingCode.VMDK_EXTENT_ALONE, "an extent of a " + createType + " disk");
        }
        SparseExtent extent = SparseExtent.open(source);
        return new Opened(extent, createType);
    }

    /** A text descriptor: its extents are other files. */
    public static Opened openDescriptor(ByteSource source, ExtentFiles files) throws IOException, ConversionException {
        byte[] raw = new byte[(int) Math.min(MAX_DESCRIPTOR, source.size())];
        int n = source.read(0, raw, 0, raw.length);
        String text = new String(raw, 0, Math.max(0, n), StandardCharsets.ISO_8859_1).replace("\0", "");
        Map<String, String> d = keys(text);
        rejectParent(d);
        String createType = d.getOrDefault("createType", "unknown");
        String lower = createType.toLowerCase(Locale.ROOT);
        if (lower.equals("vmfssparse") || lower.equals("sesparse")) {
            throw new ConversionException(FindingCode.VMDK_SNAPSHOT_DELTA, "an ESX " + createType + " snapshot disk");
        }
        if (lower.contains("device") || lower.contains("rdm")) {
            throw new ConversionException(FindingCode.VMDK_DESCRIPTOR_ONLY, "createType " + createType + ", a physical device",
                    "the device itself");
        }
        List<String[]> lines = new ArrayList<>();
        Matcher m = EXTENT.matcher(text);
        while (m.find()) {
            if (lines.size() >= MAX_EXTENTS) throw corrupt("its descriptor names more than " + MAX_EXTENTS + " extents");
            lines.add(new String[]{m.group(2), m.group(3).toUpperCase(Locale.ROOT), m.group(4), m.group(5)});
        }
        if (lines.isEmpty()) throw corrupt("its descriptor names no extents");
        List<String> missing = new ArrayList<>();
        List<BlockDisk> extents = new ArrayList<>();
        try {
            for (String[] line : lines) {
                long sectors = Long.parseLong(line[0]);
                String type = line[1];
                String file = line[2];
                switch (type) {
                    case "ZERO" -> extents.add(zeros(sectors * 512));
                    case "SPARSE", "FLAT", "VMFS" -> {
                        if (file == null || file.isBlank()) throw corrupt("a " + type + " extent has no file name");
                        Optional<ByteSource> found = files.open(file);
                        if (found.isEmpty()) {
                            missing.add("'" + file + "'");
                            continue;
                        }
                        extents.add(type.equals("SPARSE") ? sparse(found.get(), sectors, file)
                                : flat(found.get(), sectors, line[3] == null ? 0 : Long.parseLong(line[3]), file));
                    }
                    case "VMFSSPARSE", "SESPARSE" -> throw new ConversionException(FindingCode.VMDK_SNAPSHOT_DELTA,
                            "an ESX " + type + " extent");
                    default -> throw corrupt("an extent of type " + type + ", which vm2ami does not read");
                }
            }
            if (!missing.isEmpty()) throw new ConversionException(FindingCode.VMDK_EXTENT_MISSING, String.join(", ", missing));
            return new Opened(new Concatenation(extents), createType);
        } catch (ConversionException | IOException | RuntimeException e) {
            for (BlockDisk extent : extents) extent.close();
            throw e;
        }
    }

    private static BlockDisk sparse(ByteSource source, long sectors, String file) throws IOException, ConversionException {
        SparseExtent extent = SparseExtent.open(source);
        if (extent.header().capacitySectors() != sectors) {
            throw corrupt("extent '" + file + "' holds " + extent.header().capacitySectors() + " sectors; the descriptor says " + sectors);
        }
        return closing(extent, source);
    }

    private static BlockDisk flat(ByteSource source, long sectors, long startSector, String file) throws ConversionException {
        long start = startSector * 512;
        long length = sectors * 512;
        if (start < 0 || start > source.size() - length) {
            throw Reads.truncated("flat extent '" + file + "'", start, length, source.size());
        }
        return new BlockDisk() {
            @Override
            public long size() {
                return length;
            }

            @Override
            public boolean read(long offset, byte[] out, int at, int len) throws IOException, ConversionException {
                Reads.fully(source, start + offset, out, at, len, "flat extent '" + file + "'");
                return true;
            }

            @Override
            public void close() throws IOException {
                source.close();
            }
        };
    }

    private static BlockDisk closing(BlockDisk disk, ByteSource source) {
        return new BlockDisk() {
            @Override
            public long size() {
                return disk.size();
            }

            @Override
            public boolean read(long offset, byte[] out, int at, int len) throws IOException, ConversionException {
                return disk.read(offset, out, at, len);
            }

            @Override
            public void checkWithinFile(int maxTables) throws IOException, ConversionException {
                disk.checkWithinFile(maxTables);
            }

            @Override
            public void close() throws IOException {
                disk.close();
                source.close();
            }
        };
    }

    private static BlockDisk zeros(long size) {
        return new BlockDisk() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public boolean read(long offset, byte[] out, int at, int len) {
                java.util.Arrays.fill(out, at, at + len, (byte) 0);
                return false;
            }
        };
    }

    private static void rejectParent(Map<String, String> d) throws ConversionException {
        String parent = d.getOrDefault("parentCID", "ffffffff");
        if (!parent.equalsIgnoreCase("ffffffff")) {
            throw new ConversionException(FindingCode.VMDK_SNAPSHOT_DELTA, "parentCID " + parent
                    + Optional.ofNullable(d.get("parentFileNameHint")).map(p -> ", parent '" + p + "'").orElse(""));
        }
    }

    /** The descriptor's {@code key = "value"} lines. */
    static Map<String, String> keys(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int lines = 0;
        for (String line : text.split("\n")) {
            if (++lines > 2000) break;
            String l = line.trim();
            int eq = l.indexOf('=');
            if (l.startsWith("#") || eq <= 0) continue;
            out.putIfAbsent(l.substring(0, eq).trim(), l.substring(eq + 1).trim().replace("\"", ""));
        }
        return out;
    }

    private static ConversionException corrupt(String detail) {
        return new ConversionException(FindingCode.VMDK_CORRUPT, detail);
    }

    /** Extents one after another, as the descriptor lists them. */
    private static final class Concatenation implements BlockDisk {
        private final List<BlockDisk> extents;
        private final long[] starts;
        private final long size;

        Concatenation(List<BlockDisk> extents) {
            this.extents = List.copyOf(extents);
            this.starts = new long[extents.size()];
            long at = 0;
            for (int i = 0; i < extents.size(); i++) {
                starts[i] = at;
                at += extents.get(i).size();
            }
            this.size = at;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public boolean read(long offset, byte[] out, int at, int len) throws IOException, ConversionException {
            boolean data = false;
            int done = 0;
            int i = java.util.Arrays.binarySearch(starts, offset);
            if (i < 0) i = -i - 2;
            while (done < len && i < extents.size()) {
                BlockDisk e = extents.get(i);
                long pos = offset + done - starts[i];
                if (pos >= e.size()) {
                    i++;
                    continue;
                }
                int n = (int) Math.min(len - done, e.size() - pos);
                data |= e.read(pos, out, at + done, n);
                done += n;
                i++;
            }
            return data;
        }

        @Override
        public void checkWithinFile(int maxTables) throws IOException, ConversionException {
            for (BlockDisk e : extents) e.checkWithinFile(maxTables);
        }

        @Override
        public void close() throws IOException {
            for (BlockDisk e : extents) e.close();
        }
    }
}
