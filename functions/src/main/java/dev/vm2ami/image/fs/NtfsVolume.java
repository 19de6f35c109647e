package dev.vm2ami.image.fs;

import dev.vm2ami.image.read.Bin;
import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.read.StructureException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * NTFS, read-only: MFT records (update sequence fixups checked), attribute lists, runlists,
 * resident and non-resident (sparse) data, and directory lookups down the $I30 B+tree of
 * $INDEX_ROOT and $INDEX_ALLOCATION, compared case-insensitively as Windows does.
 *
 * <p>Not supported: compressed and encrypted data, files compacted by Windows Overlay Filter
 * (CompactOS) or deduplicated (their reparse points are reported, their data is not read),
 * symbolic links and junctions (reparse points are kind OTHER), alternate data streams. The
 * $LogFile is not replayed.
 */
public final class NtfsVolume extends Volume {
    private static final long ROOT = 5;
    private static final int ATTR_LIST = 0x20;
    private static final int ATTR_DATA = 0x80;
    private static final int ATTR_INDEX_ROOT = 0x90;
    private static final int ATTR_INDEX_ALLOCATION = 0xA0;
    private static final int ATTR_REPARSE = 0xC0;
    private static final int FLAG_COMPRESSED = 0x0001;
    private static final int FLAG_ENCRYPTED = 0x4000;
    private static final int MAX_RUNS = 1 << 16;
    private static final int MAX_EXTENSION_RECORDS = 256;
    private static final int MAX_INDEX_DEPTH = 16;
    private static final int MAX_INDEX_BLOCKS = 1 << 14;
    private static final int CACHED_RECORDS = 256;
    private static final int NTFS_BLOCK = 512;

    private final long clusterSize;
    private final long totalBytes;
    private final int recordSize;
    private final int indexBlockSize;
    private final long serial;
    private Stream mft;
    private Optional<String> label = Optional.empty();
    private final Map<Long, Record> records = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Record> eldest) {
            return size() > CACHED_RECORDS;
        }
    };

    private record Run(long vcn, long length, long lcn) {
    }

    private record Attr(int type, String name, boolean resident, byte[] value, long startVcn, List<Run> runs,
                        long dataSize, long initSize, int flags) {
    }

    /** One attribute's data, its pieces from extension records put together. */
    private record Stream(String what, boolean resident, byte[] value, List<Run> runs, long size, long initialized, int flags) {
    }

    private record Record(long number, int flags, List<Attr> attributes) {
        boolean directory() {
            return (flags & 0x2) != 0;
        }
    }

    private NtfsVolume(BlockDevice device, ReadBudget budget, byte[] boot) throws StructureException {
        super(device, budget);
        int bytesPerSector = Bin.u16le(boot, 11);
        int spc = Bin.u8(boot, 13);
        long sectorsPerCluster = spc <= 0x80 ? spc : 1L << Math.min(31, 256 - spc);
        if (bytesPerSector < 256 || bytesPerSector > 4096 || Integer.bitCount(bytesPerSector) != 1 || sectorsPerCluster == 0
                || Long.bitCount(sectorsPerCluster) != 1) {
            throw StructureException.corrupt("NTFS boot sector: " + bytesPerSector + " bytes per sector, " + sectorsPerCluster + " sectors per cluster");
        }
        clusterSize = bytesPerSector * sectorsPerCluster;
        if (clusterSize > 2 << 20) throw StructureException.corrupt("NTFS boot sector: clusters of " + clusterSize + " bytes");
        totalBytes = Bin.multiply(Bin.u64le(boot, 40), bytesPerSector, "NTFS size");
        recordSize = (int) Math.min(Integer.MAX_VALUE, recordBytes(boot[64], "MFT record"));
        indexBlockSize = (int) Math.min(Integer.MAX_VALUE, recordBytes(boot[68], "index block"));
        if (recordSize < 256 || recordSize > 65536 || indexBlockSize < 512 || indexBlockSize > 65536) {
            throw StructureException.corrupt("NTFS boot sector: MFT records of " + recordSize + " bytes, index blocks of " + indexBlockSize);
        }
        serial = Bin.u64le(boot, 72);
    }

    private long recordBytes(byte encoded, String what) throws StructureException {
        if (encoded > 0) return Bin.multiply(encoded, clusterSize, what);
        int shift = -encoded;
        if (shift > 20) throw StructureException.corrupt("NTFS boot sector: " + what + " size 2^" + shift);
        return 1L << shift;
    }

    public static boolean detect(byte[] first) {
        return Bin.has(first, 3, "NTFS    ");
    }

    public static NtfsVolume open(BlockDevice device, ReadBudget budget) throws IOException, StructureException {
        budget.charge(512, "the NTFS boot sector");
        byte[] boot = device.readFully(0, 512, "the NTFS boot sector");
        if (!detect(boot)) throw StructureException.corrupt("no NTFS boot sector (OEM id 'NTFS    ')");
        NtfsVolume volume = new NtfsVolume(device, budget, boot);
        volume.loadMft(Bin.u64le(boot, 48));
        return volume;
    }

    /** Reads record 0 ($MFT) where the boot sector says, then the whole of its $DATA runlist. */
    private void loadMft(long mftCluster) throws IOException, StructureException {
        long at = Bin.multiply(mftCluster, clusterSize, "the MFT's position");
        Record zero = parseRecord(0, readDevice(at, recordSize, "MFT record 0"));
        Attr first = zero.attributes().stream().filter(a -> a.type() == ATTR_DATA && a.name().isEmpty() && !a.resident())
                .min(Comparator.comparingLong(Attr::startVcn))
                .orElseThrow(() -> StructureException.corrupt("NTFS: the MFT's record 0 has no non-resident $DATA"));
        mft = new Stream("$MFT", false, null, first.runs(), first.dataSize(), first.initSize(), first.flags());
        mft = stream(withList(zero), ATTR_DATA, "").orElse(mft);
        try {
            Optional<byte[]> name = resident(record(3), 0x60);
            if (name.isPresent() && name.get().length > 0) label = Optional.of(Bin.utf16le(name.get(), 0, name.get().length / 2));
        } catch (StructureException e) {
            label = Optional.empty(); // the label is a nicety; a damaged $Volume leaves the files readable
        }
    }

    @Override
    public String type() {
        return "ntfs";
    }

    /** The volume serial number, as blkid prints NTFS UUIDs (16 hex digits). */
    @Override
    public Optional<String> uuid() {
        return Optional.of(String.format(Locale.ROOT, "%016X", serial));
    }

    @Override
    public Optional<String> label() {
        return label;
    }

    @Override
    public Node root() throws IOException, StructureException {
        return node(ROOT);
    }

    @Override
    public Node node(long id) throws IOException, StructureException {
        Record r = record(id);
        if (r.directory()) return new Node(id, Kind.DIRECTORY, 0);
        if (r.attributes().stream().anyMatch(a -> a.type() == ATTR_REPARSE)) {
            long tag = reparseTag(r);
            // WOF-compacted (CompactOS) and deduplicated files are files whose data NTFS alone cannot give.
            if (tag != 0x80000017L && tag != 0x80000013L) return new Node(id, Kind.OTHER, 0);
        }
        Optional<Stream> data = stream(r, ATTR_DATA, "");
        return new Node(id, Kind.FILE, data.map(Stream::size).orElse(0L));
    }

    private long reparseTag(Record r) throws IOException, StructureException {
        Optional<Stream> s = stream(r, ATTR_REPARSE, "");
        if (s.isEmpty()) return 0;
        byte[] head = readStream(s.get(), 0, 4);
        return head.length < 4 ? 0 : Bin.u32le(head, 0);
    }

    // --- MFT records ----------------------------------------------------------------------------

    private Record record(long number) throws IOException, StructureException {
        Record cached = records.get(number);
        if (cached != null) return cached;
        if (number < 0) throw StructureException.corrupt("MFT record " + number);
        long offset = Bin.multiply(number, recordSize, "MFT record offset");
        if (offset >= mft.size()) throw StructureException.corrupt("MFT record " + number + " lies past the end of the MFT");
        byte[] raw = readStream(mft, offset, recordSize);
        Record r = withList(parseRecord(number, raw));
        if ((r.flags() & 0x1) == 0) throw StructureException.corrupt("MFT record " + number + " is not in use (a stale directory entry?)");
        records.put(number, r);
        return r;
    }

    private Record parseRecord(long number, byte[] raw) throws StructureException {
        if (!Bin.has(raw, 0, "FILE")) throw StructureException.corrupt("MFT record " + number + " has no signature FILE");
        fixup(raw, "MFT record " + number);
        int flags = Bin.u16le(raw, 22);
        int used = Bin.int32le(raw, 24);
        if (used > raw.length) throw StructureException.corrupt("MFT record " + number + " uses " + used + " of " + raw.length + " bytes");
        List<Attr> attrs = new ArrayList<>();
        int pos = Bin.u16le(raw, 20);
        while (pos + 8 <= used) {
            long type = Bin.u32le(raw, pos);
            if (type == 0xFFFFFFFFL) break;
            int length = Bin.int32le(raw, pos + 4);
            if (length < 16 || length % 8 != 0 || pos + length > used) {
                throw StructureException.corrupt("MFT record " + number + ": an attribute of " + length + " bytes at byte " + pos);
            }
            attrs.add(attribute(Bin.slice(raw, pos, length), (int) type, number));
            pos += length;
        }
        return new Record(number, flags, attrs);
    }

    /** Undoes the update sequence: the last two bytes of each 512-byte stride were swapped for a check value. */
    private static void fixup(byte[] raw, String what) throws StructureException {
        int usaOffset = Bin.u16le(raw, 4);
        int usaCount = Bin.u16le(raw, 6);
        if (usaCount == 0 || (usaCount - 1) * NTFS_BLOCK > raw.length) {
            throw StructureException.corrupt(what + ": an update sequence of " + usaCount + " entries");
        }
        int usn = Bin.u16le(raw, usaOffset);
        for (int i = 1; i < usaCount; i++) {
            int end = i * NTFS_BLOCK - 2;
            if (Bin.u16le(raw, end) != usn) throw StructureException.corrupt(what + ": sector " + (i - 1) + " was torn (update sequence mismatch)");
            raw[end] = (byte) Bin.u8(raw, usaOffset + 2 * i);
            raw[end + 1] = (byte) Bin.u8(raw, usaOffset + 2 * i + 1);
        }
    }

    private Attr attribute(byte[] a, int type, long record) throws StructureException {
        boolean nonResident = Bin.u8(a, 8) != 0;
        int nameLen = Bin.u8(a, 9);
        String name = nameLen == 0 ? "" : Bin.utf16le(a, Bin.u16le(a, 10), nameLen);
        int flags = Bin.u16le(a, 12);
        if (!nonResident) {
            int valueLen = Bin.int32le(a, 16);
            int valueOff = Bin.u16le(a, 20);
            byte[] value = Bin.slice(a, valueOff, valueLen);
            return new Attr(type, name, true, value, 0, List.of(), valueLen, valueLen, flags);
        }
        long startVcn = Bin.u64le(a, 16);
        int runsOff = Bin.u16le(a, 32);
        long dataSize = Bin.u64le(a, 48);
        long initSize = Bin.u64le(a, 56);
        if (dataSize < 0 || initSize < 0 || startVcn < 0) throw StructureException.corrupt("MFT record " + record + ": attribute sizes out of range");
        return new Attr(type, name, false, null, startVcn, runlist(a, runsOff, startVcn, record), dataSize, initSize, flags);
    }

    private List<Run> runlist(byte[] a, int pos, long vcn, long record) throws StructureException {
        List<Run> runs = new ArrayList<>();
        long lcn = 0;
        while (pos < a.length) {
            int header = Bin.u8(a, pos);
            if (header == 0) break;
            int lenSize = header & 0xF;
            int offSize = header >> 4;
            if (lenSize == 0 || lenSize > 8 || offSize > 8) throw StructureException.corrupt("MFT record " + record + ": runlist header 0x" + Integer.toHexString(header));
            long length = signedLe(a, pos + 1, lenSize);
            if (length <= 0) throw StructureException.corrupt("MFT record " + record + ": a run of " + length + " clusters");
            long at = -1;
            if (offSize > 0) {
                lcn = Bin.add(lcn, signedLe(a, pos + 1 + lenSize, offSize), "run position");
                if (lcn < 0) throw StructureException.corrupt("MFT record " + record + ": a run at cluster " + lcn);
                at = lcn;
            }
            runs.add(new Run(vcn, length, at));
            if (runs.size() > MAX_RUNS) throw StructureException.limit("MFT record " + record + ": more than " + MAX_RUNS + " runs");
            vcn = Bin.add(vcn, length, "run end");
            pos += 1 + lenSize + offSize;
        }
        return runs;
    }

    private static long signedLe(byte[] d, int o, int n) throws StructureException {
        Bin.check(d, o, n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = v << 8 | (d[o + i] & 0xFF);
        int shift = 64 - 8 * n;
        return shift == 0 ? v : v << shift >> shift;
    }

    /** A record with the attributes its $ATTRIBUTE_LIST puts in extension records added. */
    private Record withList(Record base) throws IOException, StructureException {
        Optional<Attr> list = base.attributes().stream().filter(a -> a.type() == ATTR_LIST).findFirst();
        if (list.isEmpty()) return base;
        byte[] entries = readStream(toStream(List.of(list.get()), "$ATTRIBUTE_LIST of record " + base.number()), 0,
                (int) Math.min(list.get().dataSize(), 1 << 20));
        Set<Long> extensions = new HashSet<>();
        int pos = 0;
        while (pos + 26 <= entries.length) {
            int length = Bin.u16le(entries, pos + 4);
            if (length < 26 || pos + length > entries.length) throw StructureException.corrupt("record " + base.number() + ": an attribute list entry of " + length + " bytes");
            long ref = Bin.u64le(entries, pos + 16) & 0xFFFFFFFFFFFFL;
            if (ref != base.number()) extensions.add(ref);
            pos += length;
        }
        if (extensions.size() > MAX_EXTENSION_RECORDS) throw StructureException.limit("record " + base.number() + " spreads over " + extensions.size() + " records");
        List<Attr> all = new ArrayList<>(base.attributes());
        for (long ext : extensions) {
            long offset = Bin.multiply(ext, recordSize, "MFT record offset");
            if (mft == null || offset >= mft.size()) throw StructureException.corrupt("record " + base.number() + " lists extension record " + ext + " past the MFT");
            Record r = parseRecord(ext, readStream(mft, offset, recordSize));
            all.addAll(r.attributes().stream().filter(a -> a.type() != ATTR_LIST).toList());
        }
        return new Record(base.number(), base.flags(), all);
    }

    private Optional<Stream> stream(Record r, int type, String name) throws StructureException {
        List<Attr> parts = r.attributes().stream().filter(a -> a.type() == type && a.name().equals(name)).toList();
        if (parts.isEmpty()) return Optional.empty();
        return Optional.of(toStream(parts, "attribute 0x" + Integer.toHexString(type) + " of record " + r.number()));
    }

    private static Stream toStream(List<Attr> parts, String what) throws StructureException {
        Attr first = parts.stream().min(Comparator.comparingLong(Attr::startVcn)).orElseThrow();
        if (first.resident()) return new Stream(what, true, first.value(), List.of(), first.value().length, first.value().length, first.flags());
        List<Run> runs = new ArrayList<>();
        for (Attr a : parts.stream().filter(p -> !p.resident()).sorted(Comparator.comparingLong(Attr::startVcn)).toList()) {
            runs.addAll(a.runs());
            if (runs.size() > MAX_RUNS) throw StructureException.limit(what + " has more than " + MAX_RUNS + " runs");
        }
        return new Stream(what, false, null, runs, first.dataSize(), Math.min(first.initSize(), first.dataSize()), first.flags());
    }

    private static Optional<byte[]> resident(Record r, int type) {
        return r.attributes().stream().filter(a -> a.type() == type && a.resident()).map(Attr::value).findFirst();
    }

    /** Up to {@code length} bytes of a stream at {@code offset}; sparse runs and bytes past the initialized size are zeros. */
    private byte[] readStream(Stream s, long offset, int length) throws IOException, StructureException {
        long end = Math.min(s.size(), offset + length);
        if (offset >= end) return new byte[0];
        byte[] out = new byte[(int) (end - offset)];
        if (s.resident()) {
            System.arraycopy(s.value(), (int) offset, out, 0, out.length);
            return out;
        }
        if ((s.flags() & FLAG_COMPRESSED) != 0) throw StructureException.unsupported(s.what() + " is compressed");
        if ((s.flags() & FLAG_ENCRYPTED) != 0) throw StructureException.unsupported(s.what() + " is encrypted (EFS)");
        long readable = Math.min(end, s.initialized());
        for (Run r : s.runs()) {
            long runStart = Bin.multiply(r.vcn(), clusterSize, "run offset");
            long runEnd = Bin.add(runStart, Bin.multiply(r.length(), clusterSize, "run length"), "run end");
            long from = Math.max(offset, runStart);
            long to = Math.min(readable, runEnd);
            if (to <= from || r.lcn() < 0) continue;
            long at = Bin.add(Bin.multiply(r.lcn(), clusterSize, "cluster address"), from - runStart, "cluster address");
            if (at + (to - from) > totalBytes + clusterSize) throw StructureException.corrupt(s.what() + ": a run lies past the end of the volume");
            byte[] data = readDevice(at, (int) (to - from), s.what());
            System.arraycopy(data, 0, out, (int) (from - offset), data.length);
        }
        return out;
    }

    @Override
    protected byte[] readData(Node node, long offset, int length) throws IOException, StructureException {
        Record r = record(node.id());
        if (r.attributes().stream().anyMatch(a -> a.type() == ATTR_REPARSE)) {
            long tag = reparseTag(r);
            if (tag == 0x80000017L) throw StructureException.unsupported("record " + r.number() + " is compacted by Windows Overlay Filter (CompactOS)");
            if (tag == 0x80000013L) throw StructureException.unsupported("record " + r.number() + " is deduplicated");
        }
        Optional<Stream> data = stream(r, ATTR_DATA, "");
        if (data.isEmpty()) return new byte[0];
        return readStream(data.get(), offset, length);
    }

    // --- directories ----------------------------------------------------------------------------

    /** One entry of an index node: its name, where it points, and the subnode before it. */
    private record IndexEntry(String name, long reference, int namespace, boolean directory, boolean last, long subnode) {
    }

    private record Index(Record dir, int blockSize, List<IndexEntry> rootEntries, Optional<Stream> allocation) {
    }

    private Index index(Node dir) throws IOException, StructureException {
        Record r = record(dir.id());
        byte[] root = resident(r, ATTR_INDEX_ROOT)
                .orElseThrow(() -> StructureException.corrupt("directory record " + r.number() + " has no resident $INDEX_ROOT"));
        int blockSize = Bin.int32le(root, 8);
        if (blockSize < 512 || blockSize > 65536 || Integer.bitCount(blockSize) != 1) {
            throw StructureException.corrupt("directory record " + r.number() + ": index blocks of " + blockSize + " bytes");
        }
        List<IndexEntry> entries = indexEntries(root, 16, "the index root of record " + r.number());
        return new Index(r, blockSize, entries, stream(r, ATTR_INDEX_ALLOCATION, "$I30"));
    }

    /** The entries after an index header at {@code header}. */
    private List<IndexEntry> indexEntries(byte[] d, int header, String what) throws StructureException {
        int first = Bin.int32le(d, header);
        int total = Bin.int32le(d, header + 4);
        int pos = header + first;
        int end = header + total;
        if (end > d.length || pos > end) throw StructureException.corrupt(what + ": entries at " + pos + "-" + end + " of " + d.length + " bytes");
        List<IndexEntry> out = new ArrayList<>();
        while (pos + 16 <= end) {
            int length = Bin.u16le(d, pos + 8);
            int keyLength = Bin.u16le(d, pos + 10);
            int flags = Bin.u16le(d, pos + 12);
            if (length < 16 || length % 8 != 0 || pos + length > end) throw StructureException.corrupt(what + ": an index entry of " + length + " bytes");
            boolean hasSub = (flags & 0x1) != 0;
            boolean last = (flags & 0x2) != 0;
            long sub = hasSub ? Bin.u64le(d, pos + length - 8) : -1;
            if (last) {
                out.add(new IndexEntry("", 0, 0, false, true, sub));
                return out;
            }
            if (keyLength < 66) throw StructureException.corrupt(what + ": an index entry whose file name is " + keyLength + " bytes");
            int key = pos + 16;
            int nameLength = Bin.u8(d, key + 64);
            String name = Bin.utf16le(d, key + 66, nameLength);
            long fileFlags = Bin.u32le(d, key + 56);
            out.add(new IndexEntry(name, Bin.u64le(d, pos) & 0xFFFFFFFFFFFFL, Bin.u8(d, key + 65), (fileFlags & 0x10000000L) != 0, false, sub));
            pos += length;
        }
        throw StructureException.corrupt(what + ": the entries end without a last entry");
    }

    private List<IndexEntry> indexBlock(Index index, long vcn) throws IOException, StructureException {
        Stream alloc = index.allocation().orElseThrow(() -> StructureException.corrupt("directory record " + index.dir().number()
                + " points to index block " + vcn + " but has no $INDEX_ALLOCATION"));
        long unit = clusterSize <= index.blockSize() ? clusterSize : NTFS_BLOCK;
        long offset = Bin.multiply(vcn, unit, "index block offset");
        if (vcn < 0 || offset + index.blockSize() > alloc.size()) {
            throw StructureException.corrupt("directory record " + index.dir().number() + ": index block " + vcn + " lies past its allocation");
        }
        byte[] block = readStream(alloc, offset, index.blockSize());
        String what = "index block " + vcn + " of directory record " + index.dir().number();
        if (!Bin.has(block, 0, "INDX")) throw StructureException.corrupt(what + " has no signature INDX");
        fixup(block, what);
        return indexEntries(block, 24, what);
    }

    @Override
    protected Optional<Entry> find(Node dir, String name) throws IOException, StructureException {
        Index index = index(dir);
        List<IndexEntry> node = index.rootEntries();
        Set<Long> visited = new HashSet<>();
        String key = name.toUpperCase(Locale.ROOT);
        for (int depth = 0; depth <= MAX_INDEX_DEPTH; depth++) {
            long next = -1;
            for (IndexEntry e : node) {
                if (e.last()) {
                    next = e.subnode();
                    break;
                }
                int cmp = compareUpper(key, e.name().toUpperCase(Locale.ROOT));
                if (cmp == 0) return Optional.of(new Entry(e.name(), e.reference(), e.directory() ? Kind.DIRECTORY : Kind.UNKNOWN));
                if (cmp < 0) {
                    next = e.subnode();
                    break;
                }
            }
            if (next < 0) return Optional.empty();
            if (!visited.add(next)) throw StructureException.corrupt("directory record " + dir.id() + ": its index refers to block " + next + " twice");
            node = indexBlock(index, next);
        }
        throw StructureException.corrupt("directory record " + dir.id() + ": an index deeper than " + MAX_INDEX_DEPTH);
    }

    /** Ordinal comparison of upper-cased UTF-16 code units, NTFS's file-name collation. */
    private static int compareUpper(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            int c = Character.compare(a.charAt(i), b.charAt(i));
            if (c != 0) return c;
        }
        return Integer.compare(a.length(), b.length());
    }

    @Override
    protected Listing entries(Node dir, int max) throws IOException, StructureException {
        Index index = index(dir);
        List<Entry> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<Long> visited = new HashSet<>();
        boolean more = walk(index, index.rootEntries(), 0, visited, seen, out, max);
        return new Listing(out, more);
    }

    /** In-order walk of the B+tree; returns true when it stopped because {@code max} entries were found. */
    private boolean walk(Index index, List<IndexEntry> node, int depth, Set<Long> visited, Set<String> seen, List<Entry> out, int max)
            throws IOException, StructureException {
        if (depth > MAX_INDEX_DEPTH) throw StructureException.corrupt("directory record " + index.dir().number() + ": an index deeper than " + MAX_INDEX_DEPTH);
        for (IndexEntry e : node) {
            if (e.subnode() >= 0) {
                if (!visited.add(e.subnode()) || visited.size() > MAX_INDEX_BLOCKS) {
                    throw StructureException.corrupt("directory record " + index.dir().number() + ": index block " + e.subnode() + " reached twice");
                }
                if (walk(index, indexBlock(index, e.subnode()), depth + 1, visited, seen, out, max)) return true;
            }
            if (e.last()) break;
            // DOS (8.3) names duplicate a long name's entry; a hard link's names are all listed.
            if (e.namespace() == 2 || e.name().equals(".") || e.reference() < 16 && index.dir().number() == ROOT && e.name().startsWith("$")) continue;
            if (!seen.add(e.reference() + "/" + e.name())) continue;
            if (out.size() >= max) return true;
            out.add(new Entry(e.name(), e.reference(), e.directory() ? Kind.DIRECTORY : Kind.UNKNOWN));
        }
        return false;
    }
}
