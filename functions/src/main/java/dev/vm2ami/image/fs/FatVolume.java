package dev.vm2ami.image.fs;

import dev.vm2ami.image.read.Bin;
import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.read.StructureException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * FAT12, FAT16 and FAT32 (an EFI System Partition, a /boot/efi), read-only: cluster chains
 * through the FAT (bounded, so a chain that loops ends), long file names (their checksum checked
 * against the short name) and short names, compared case-insensitively. A node's id is the
 * position of its directory entry on the volume; the root's is 0.
 *
 * <p>Not supported: exFAT, VFAT's Unicode case folding beyond {@link String#toUpperCase}.
 */
public final class FatVolume extends Volume {
    private static final int MAX_DIRECTORY_BYTES = 2 << 20;
    private static final long ROOT = 0;

    private final int bytesPerSector;
    private final int clusterSize;
    private final long fatStart;
    private final long rootStart;
    private final int rootBytes;
    private final long dataStart;
    private final long clusters;
    private final int bits;
    private final long rootCluster;
    private final long serial;
    private final String label;

    private FatVolume(BlockDevice device, ReadBudget budget, byte[] b) throws StructureException {
        super(device, budget);
        bytesPerSector = Bin.u16le(b, 11);
        int spc = Bin.u8(b, 13);
        long reserved = Bin.u16le(b, 14);
        int fats = Bin.u8(b, 16);
        int rootEntries = Bin.u16le(b, 17);
        long total = Bin.u16le(b, 19) != 0 ? Bin.u16le(b, 19) : Bin.u32le(b, 32);
        int fatSize16 = Bin.u16le(b, 22);
        long fatSize = fatSize16 != 0 ? fatSize16 : Bin.u32le(b, 36);
        if (bytesPerSector < 512 || bytesPerSector > 4096 || Integer.bitCount(bytesPerSector) != 1 || spc == 0
                || Integer.bitCount(spc) != 1 || reserved == 0 || fats == 0 || fats > 4 || fatSize == 0 || total == 0) {
            throw StructureException.corrupt("FAT boot sector: " + bytesPerSector + " bytes per sector, " + spc + " sectors per cluster, "
                    + fats + " FATs of " + fatSize + " sectors");
        }
        clusterSize = bytesPerSector * spc;
        fatStart = reserved * bytesPerSector;
        rootStart = fatStart + fats * fatSize * bytesPerSector;
        rootBytes = rootEntries * 32;
        long rootSectors = ((long) rootBytes + bytesPerSector - 1) / bytesPerSector;
        dataStart = rootStart + rootSectors * bytesPerSector;
        long dataSectors = total - reserved - fats * fatSize - rootSectors;
        if (dataSectors <= 0) throw StructureException.corrupt("FAT boot sector: no room for data");
        clusters = dataSectors / spc;
        // Like Linux: the BPB's layout says FAT32; the cluster count tells FAT12 from FAT16.
        boolean fat32 = fatSize16 == 0 && rootEntries == 0;
        bits = fat32 ? 32 : clusters < 4085 ? 12 : 16;
        rootCluster = fat32 ? Bin.u32le(b, 44) : 0;
        int ext = fat32 ? 64 : 36;
        boolean extended = Bin.u8(b, ext + 2) == 0x29;
        serial = extended ? Bin.u32le(b, ext + 3) : 0;
        String l = extended ? Bin.latin1(b, ext + 7, 11).trim() : "";
        label = l.equals("NO NAME") ? "" : l;
    }

    public static boolean detect(byte[] b) {
        if (b.length < 512 || (b[510] & 0xFF) != 0x55 || (b[511] & 0xFF) != 0xAA) return false;
        return Bin.has(b, 82, "FAT32   ") || Bin.has(b, 54, "FAT1") || Bin.has(b, 54, "FAT     ");
    }

    public static FatVolume open(BlockDevice device, ReadBudget budget) throws IOException, StructureException {
        budget.charge(512, "the FAT boot sector");
        return new FatVolume(device, budget, device.readFully(0, 512, "the FAT boot sector"));
    }

    @Override
    public String type() {
        return "vfat";
    }

    /** The volume serial number as blkid prints it (XXXX-XXXX). */
    @Override
    public Optional<String> uuid() {
        return serial == 0 ? Optional.empty() : Optional.of(String.format(Locale.ROOT, "%04X-%04X", serial >>> 16, serial & 0xFFFF));
    }

    @Override
    public Optional<String> label() {
        return label.isEmpty() ? Optional.empty() : Optional.of(label);
    }

    /** 12, 16 or 32. */
    public int fatBits() {
        return bits;
    }

    @Override
    public Node root() {
        return new Node(ROOT, Kind.DIRECTORY, 0);
    }

    @Override
    public Node node(long id) throws IOException, StructureException {
        if (id == ROOT) return root();
        if (id < rootStart || id % 32 != 0) throw StructureException.corrupt("FAT: no directory entry at byte " + id);
        byte[] e = readDevice(id, 32, "a FAT directory entry");
        int attr = Bin.u8(e, 11);
        return new Node(id, (attr & 0x10) != 0 ? Kind.DIRECTORY : Kind.FILE, (attr & 0x10) != 0 ? 0 : Bin.u32le(e, 28));
    }

    private long firstCluster(long id) throws IOException, StructureException {
        byte[] e = readDevice(id, 32, "a FAT directory entry");
        return (bits == 32 ? (long) Bin.u16le(e, 20) << 16 : 0) | Bin.u16le(e, 26);
    }

    /** The FAT entry of {@code cluster}, read through a small cache of 4 KiB pieces of the FAT. */
    private long next(long cluster) throws IOException, StructureException {
        long at = switch (bits) {
            case 12 -> cluster + cluster / 2;
            case 16 -> cluster * 2;
            default -> cluster * 4;
        };
        byte[] e = fatBytes(at, bits == 32 ? 4 : 2);
        return switch (bits) {
            case 12 -> (cluster & 1) == 0 ? Bin.u16le(e, 0) & 0xFFF : Bin.u16le(e, 0) >> 4;
            case 16 -> Bin.u16le(e, 0);
            default -> Bin.u32le(e, 0) & 0x0FFFFFFFL;
        };
    }

    private static final int FAT_PIECE = 4096;
    private final java.util.Map<Long, byte[]> fatPieces = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Long, byte[]> eldest) {
            return size() > 32;
        }
    };

    private byte[] fatBytes(long at, int n) throws IOException, StructureException {
        long piece = at / FAT_PIECE;
        int within = (int) (at % FAT_PIECE);
        if (within + n > FAT_PIECE) return readDevice(fatStart + at, n, "the FAT"); // an entry across two pieces (FAT12)
        byte[] data = fatPieces.get(piece);
        if (data == null) {
            long from = fatStart + piece * FAT_PIECE;
            data = readDevice(from, (int) Math.min(FAT_PIECE, rootStart - from), "the FAT");
            fatPieces.put(piece, data);
        }
        return Bin.slice(data, within, n);
    }

    private boolean endOfChain(long value) {
        return value >= (bits == 12 ? 0xFF8 : bits == 16 ? 0xFFF8 : 0x0FFFFFF8L);
    }

    private long clusterOffset(long cluster) throws StructureException {
        if (cluster < 2 || cluster >= clusters + 2) throw StructureException.corrupt("FAT: cluster " + cluster + " is outside 2-" + (clusters + 1));
        return dataStart + (cluster - 2) * clusterSize;
    }

    /** The first {@code count} clusters of the chain from {@code first} (fewer when it ends); a chain that loops is cut by the count. */
    private List<Long> chain(long first, long count) throws IOException, StructureException {
        List<Long> out = new ArrayList<>();
        long c = first;
        while (out.size() < count) {
            clusterOffset(c);
            out.add(c);
            long n = next(c);
            if (endOfChain(n)) break;
            if (n < 2) throw StructureException.corrupt("FAT: the chain from cluster " + first + " runs into a free cluster");
            c = n;
        }
        return out;
    }

    @Override
    protected byte[] readData(Node node, long offset, int length) throws IOException, StructureException {
        long end = Math.min(node.size(), offset + length);
        if (offset >= end) return new byte[0];
        byte[] out = new byte[(int) (end - offset)];
        long first = firstCluster(node.id());
        List<Long> chain = chain(first, (end + clusterSize - 1) / clusterSize);
        for (long pos = offset; pos < end; ) {
            int index = (int) (pos / clusterSize);
            if (index >= chain.size()) throw StructureException.corrupt("FAT: the chain of a " + node.size() + "-byte file ends after " + chain.size() + " clusters");
            int within = (int) (pos % clusterSize);
            int clustersInRun = 1;
            while (index + clustersInRun < chain.size() && chain.get(index + clustersInRun) == chain.get(index) + clustersInRun) clustersInRun++;
            int n = (int) Math.min((long) clustersInRun * clusterSize - within, end - pos);
            byte[] data = readDevice(clusterOffset(chain.get(index)) + within, n, "a FAT file's clusters");
            System.arraycopy(data, 0, out, (int) (pos - offset), n);
            pos += n;
        }
        return out;
    }

    // --- directories ----------------------------------------------------------------------------

    private interface EntryVisitor {
        boolean visit(Entry e);
    }

    @Override
    protected Optional<Entry> find(Node dir, String name) throws IOException, StructureException {
        List<Entry> found = new ArrayList<>(1);
        scan(dir, e -> {
            if (sameNameIgnoringCase(e.name(), name)) {
                found.add(e);
                return false;
            }
            return true;
        });
        return found.stream().findFirst();
    }

    @Override
    protected Listing entries(Node dir, int max) throws IOException, StructureException {
        List<Entry> out = new ArrayList<>();
        boolean[] more = {false};
        scan(dir, e -> {
            if (out.size() >= max) {
                more[0] = true;
                return false;
            }
            out.add(e);
            return true;
        });
        return new Listing(out, more[0]);
    }

    /** Visits each entry under its long name when it has one, else its short one; the short name matches too in {@link #find}. */
    private void scan(Node dir, EntryVisitor visitor) throws IOException, StructureException {
        List<long[]> areas = new ArrayList<>(); // [device offset, length]
        if (dir.id() == ROOT && bits != 32) {
            areas.add(new long[]{rootStart, Math.min(rootBytes, MAX_DIRECTORY_BYTES)});
        } else {
            long first = dir.id() == ROOT ? rootCluster : firstCluster(dir.id());
            if (first == 0) return;
            for (long c : chain(first, Math.max(1, MAX_DIRECTORY_BYTES / clusterSize))) areas.add(new long[]{clusterOffset(c), clusterSize});
        }
        StringBuilder longName = new StringBuilder();
        int expectedChecksum = -1;
        for (long[] area : areas) {
            byte[] d = readDevice(area[0], (int) area[1], "a FAT directory");
            for (int e = 0; e + 32 <= d.length; e += 32) {
                int firstByte = Bin.u8(d, e);
                if (firstByte == 0) return;
                int attr = Bin.u8(d, e + 11);
                if (firstByte == 0xE5) {
                    longName.setLength(0);
                    continue;
                }
                if ((attr & 0x3F) == 0x0F) {
                    if ((firstByte & 0x40) != 0 || longName.length() > 255) longName.setLength(0);
                    longName.insert(0, lfnPart(d, e));
                    expectedChecksum = Bin.u8(d, e + 13);
                    continue;
                }
                if ((attr & 0x08) != 0) {
                    longName.setLength(0);
                    continue;
                }
                String shortName = shortName(d, e);
                String name = longName.length() > 0 && checksum(d, e) == expectedChecksum ? longName.toString() : shortName;
                longName.setLength(0);
                if (shortName.equals(".") || shortName.equals("..")) continue;
                Kind kind = (attr & 0x10) != 0 ? Kind.DIRECTORY : Kind.FILE;
                long id = area[0] + e;
                if (!visitor.visit(new Entry(name, id, kind))) return;
                if (!name.equals(shortName) && !visitor.visit(new Entry(shortName, id, kind))) return;
            }
        }
    }

    /** The 13 UTF-16 characters of a long-name entry, up to the terminating NUL. */
    private static String lfnPart(byte[] d, int e) throws StructureException {
        StringBuilder s = new StringBuilder(13);
        int[][] ranges = {{1, 5}, {14, 6}, {28, 2}};
        for (int[] r : ranges) {
            for (int i = 0; i < r[1]; i++) {
                int c = Bin.u16le(d, e + r[0] + 2 * i);
                if (c == 0) return s.toString();
                s.append((char) c);
            }
        }
        return s.toString();
    }

    private static String shortName(byte[] d, int e) throws StructureException {
        byte[] raw = Bin.slice(d, e, 11);
        if ((raw[0] & 0xFF) == 0x05) raw[0] = (byte) 0xE5;
        int caseFlags = Bin.u8(d, e + 12);
        String base = new String(raw, 0, 8, StandardCharsets.ISO_8859_1).stripTrailing();
        String ext = new String(raw, 8, 3, StandardCharsets.ISO_8859_1).stripTrailing();
        if ((caseFlags & 0x08) != 0) base = base.toLowerCase(Locale.ROOT);
        if ((caseFlags & 0x10) != 0) ext = ext.toLowerCase(Locale.ROOT);
        return ext.isEmpty() ? base : base + "." + ext;
    }

    private static int checksum(byte[] d, int e) {
        int sum = 0;
        for (int i = 0; i < 11; i++) sum = (((sum & 1) << 7) + (sum >> 1) + (d[e + i] & 0xFF)) & 0xFF;
        return sum;
    }
}
