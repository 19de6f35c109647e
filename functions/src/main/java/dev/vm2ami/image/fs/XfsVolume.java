package dev.vm2ami.image.fs;

import dev.vm2ami.image.read.Bin;
import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.read.StructureException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * XFS, version 4 and 5 (CRC) superblocks, read-only: inodes of either version, data forks in
 * local, extent-list and B+tree form, and directories in every shape (short-form in the inode;
 * block; leaf and node, whose data blocks are read linearly without the hash index). Symbolic
 * links inline or in blocks. The log is not replayed.
 *
 * <p>Not supported: realtime files, reflink's copy-on-write fork (only the data fork is read),
 * the metadata directory tree of XFS 6.13+. Layout: the kernel's "XFS Algorithms & Data Structures".
 */
public final class XfsVolume extends Volume {
    private static final int FORMAT_LOCAL = 1;
    private static final int FORMAT_EXTENTS = 2;
    private static final int FORMAT_BTREE = 3;
    private static final int INCOMPAT_FTYPE = 0x1;
    private static final int INCOMPAT_NREXT64 = 0x20;
    private static final int FEATURES2_FTYPE = 0x200;
    private static final long DIFLAG2_NREXT64 = 0x10;
    private static final int DIFLAG_REALTIME = 0x1;
    /** Directory data lives below 32 GiB of the directory's address space; the leaf and free index above. */
    private static final long DIR_LEAF_OFFSET = 32L << 30;
    private static final int MAX_EXTENTS = 1 << 16;
    private static final int MAX_BTREE_LEVELS = 9;
    private static final int MAX_DIRECTORY_BLOCKS = 1 << 14;
    private static final int CACHED_INODES = 256;

    private final int blockSize;
    private final long dataBlocks;
    private final long rootIno;
    private final long agBlocks;
    private final long agCount;
    private final int inodeSize;
    private final int inodeLog;
    private final int inopbLog;
    private final int agblkLog;
    private final int dirBlockSize;
    private final boolean v5;
    private final boolean ftype;
    private final boolean nrext64;
    private final String uuid;
    private final String label;
    private final Map<Long, Inode> inodes = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Inode> eldest) {
            return size() > CACHED_INODES;
        }
    };

    private record Inode(long number, int mode, int format, long size, int flags, byte[] fork, long extentCount) {
        Kind kind() {
            return switch (mode & 0xF000) {
                case 0x8000 -> Kind.FILE;
                case 0x4000 -> Kind.DIRECTORY;
                case 0xA000 -> Kind.SYMLINK;
                default -> Kind.OTHER;
            };
        }
    }

    /** {@code count} blocks of the file from block {@code offset} are at file-system block {@code block}. */
    private record Extent(long offset, long block, long count, boolean unwritten) {
    }

    private XfsVolume(BlockDevice device, ReadBudget budget, byte[] sb) throws StructureException {
        super(device, budget);
        blockSize = (int) Math.min(Bin.u32be(sb, 4), Integer.MAX_VALUE);
        dataBlocks = Bin.u64be(sb, 8);
        uuid = Bin.uuid(sb, 32);
        rootIno = Bin.u64be(sb, 56);
        agBlocks = Bin.u32be(sb, 84);
        agCount = Bin.u32be(sb, 88);
        int version = Bin.u16be(sb, 100) & 0xF;
        inodeSize = Bin.u16be(sb, 104);
        label = Bin.latin1(sb, 108, 12);
        int blockLog = Bin.u8(sb, 120);
        inodeLog = Bin.u8(sb, 122);
        inopbLog = Bin.u8(sb, 123);
        agblkLog = Bin.u8(sb, 124);
        int dirBlockLog = Bin.u8(sb, 192);
        v5 = version == 5;
        long features2 = Bin.u32be(sb, 200);
        long incompat = v5 ? Bin.u32be(sb, 216) : 0;
        ftype = v5 ? (incompat & INCOMPAT_FTYPE) != 0 : (features2 & FEATURES2_FTYPE) != 0;
        nrext64 = (incompat & INCOMPAT_NREXT64) != 0;
        if (version != 4 && version != 5) throw StructureException.unsupported("XFS superblock version " + version);
        if (blockSize < 512 || blockSize > 65536 || 1 << blockLog != blockSize || inodeSize < 256 || inodeSize > 2048
                || 1 << inodeLog != inodeSize || inodeLog + inopbLog != blockLog || agblkLog > 31 || agBlocks == 0
                || agBlocks > 1L << agblkLog || agCount == 0 || dirBlockLog > 6 || blockSize << dirBlockLog > 65536
                || dataBlocks == 0) {
            throw StructureException.corrupt("XFS superblock: inconsistent geometry (block size " + blockSize + ", inode size "
                    + inodeSize + ", " + agCount + " allocation groups of " + agBlocks + " blocks)");
        }
        dirBlockSize = blockSize << dirBlockLog;
    }

    public static boolean detect(byte[] first) {
        return Bin.has(first, 0, "XFSB");
    }

    public static XfsVolume open(BlockDevice device, ReadBudget budget) throws IOException, StructureException {
        budget.charge(512, "the XFS superblock");
        byte[] sb = device.readFully(0, 512, "the XFS superblock");
        if (!detect(sb)) throw StructureException.corrupt("no XFS superblock (magic XFSB)");
        return new XfsVolume(device, budget, sb);
    }

    @Override
    public String type() {
        return "xfs";
    }

    @Override
    public Optional<String> uuid() {
        return Optional.of(uuid);
    }

    @Override
    public Optional<String> label() {
        return label.isEmpty() ? Optional.empty() : Optional.of(label);
    }

    /** 5 for CRC-enabled XFS (the default since xfsprogs 3.2.3), 4 before. */
    public int version() {
        return v5 ? 5 : 4;
    }

    @Override
    public Node root() throws IOException, StructureException {
        return node(rootIno);
    }

    @Override
    public Node node(long id) throws IOException, StructureException {
        Inode i = inode(id);
        return new Node(id, i.kind(), i.size());
    }

    private Inode inode(long number) throws IOException, StructureException {
        Inode cached = inodes.get(number);
        if (cached != null) return cached;
        long ag = number >>> (agblkLog + inopbLog);
        long agBlock = (number >>> inopbLog) & ((1L << agblkLog) - 1);
        long index = number & ((1L << inopbLog) - 1);
        if (ag >= agCount || agBlock >= agBlocks) throw StructureException.corrupt("XFS inode " + number + " lies outside the file system");
        long at = Bin.add(Bin.multiply(ag * agBlocks + agBlock, blockSize, "inode address"), index << inodeLog, "inode address");
        byte[] raw = readDevice(at, inodeSize, "XFS inode " + number);
        if (Bin.u16be(raw, 0) != 0x494E) throw StructureException.corrupt("XFS inode " + number + " has no magic 'IN'");
        int mode = Bin.u16be(raw, 2);
        int version = Bin.u8(raw, 4);
        int format = Bin.u8(raw, 5);
        long size = Bin.u64be(raw, 56);
        int forkOff = Bin.u8(raw, 82);
        int flags = Bin.u16be(raw, 90);
        int core = version >= 3 ? 176 : 100;
        if (version >= 3 != v5) throw StructureException.corrupt("XFS inode " + number + " has version " + version + " on a v" + version() + " file system");
        int forkSize = forkOff != 0 ? forkOff * 8 : inodeSize - core;
        if (size < 0 || core + forkSize > inodeSize) throw StructureException.corrupt("XFS inode " + number + ": fork of " + forkSize + " bytes, size " + size);
        long extents = Bin.u32be(raw, 76);
        if (version >= 3 && nrext64 && (Bin.u64be(raw, 120) & DIFLAG2_NREXT64) != 0) extents = Bin.u64be(raw, 24);
        Inode inode = new Inode(number, mode, format, size, flags, Bin.slice(raw, core, forkSize), extents);
        inodes.put(number, inode);
        return inode;
    }

    // --- data fork ------------------------------------------------------------------------------

    private long blockAddress(long fsBlock) throws StructureException {
        long ag = fsBlock >>> agblkLog;
        long agBlock = fsBlock & ((1L << agblkLog) - 1);
        if (ag >= agCount || agBlock >= agBlocks) throw StructureException.corrupt("XFS block " + fsBlock + " lies outside the file system");
        return (ag * agBlocks + agBlock) * blockSize;
    }

    /** The data fork's extents, sorted by file offset; at most {@link #MAX_EXTENTS}. */
    private List<Extent> extents(Inode inode) throws IOException, StructureException {
        List<Extent> out = new ArrayList<>();
        switch (inode.format()) {
            case FORMAT_EXTENTS -> {
                if (inode.extentCount() * 16 > inode.fork().length) {
                    throw StructureException.corrupt("XFS inode " + inode.number() + " claims " + inode.extentCount() + " extents in a "
                            + inode.fork().length + "-byte fork");
                }
                for (int i = 0; i < inode.extentCount(); i++) out.add(extent(inode.fork(), i * 16));
            }
            case FORMAT_BTREE -> btreeRoot(inode, out);
            default -> throw StructureException.corrupt("XFS inode " + inode.number() + " has data fork format " + inode.format());
        }
        out.sort(Comparator.comparingLong(Extent::offset));
        return out;
    }

    private static Extent extent(byte[] d, int o) throws StructureException {
        long hi = Bin.u64be(d, o);
        long lo = Bin.u64be(d, o + 8);
        boolean unwritten = hi < 0;
        long offset = (hi & 0x7FFFFFFFFFFFFFFFL) >>> 9;
        long block = (hi & 0x1FF) << 43 | lo >>> 21;
        long count = lo & 0x1FFFFF;
        return new Extent(offset, block, count, unwritten);
    }

    /** The B+tree root in the inode (bmdr): level, record count, then keys and pointers sized for the fork. */
    private void btreeRoot(Inode inode, List<Extent> out) throws IOException, StructureException {
        byte[] fork = inode.fork();
        int level = Bin.u16be(fork, 0);
        int records = Bin.u16be(fork, 2);
        int maxRecords = (fork.length - 4) / 16;
        if (level == 0 || level > MAX_BTREE_LEVELS || records > maxRecords) {
            throw StructureException.corrupt("XFS inode " + inode.number() + ": B+tree root of level " + level + " with " + records + " records");
        }
        Set<Long> visited = new HashSet<>();
        for (int i = 0; i < records; i++) {
            long child = Bin.u64be(fork, 4 + maxRecords * 8 + i * 8);
            btreeBlock(inode, child, level - 1, visited, out);
        }
    }

    private void btreeBlock(Inode inode, long fsBlock, int level, Set<Long> visited, List<Extent> out) throws IOException, StructureException {
        if (!visited.add(fsBlock) || visited.size() > MAX_EXTENTS) {
            throw StructureException.corrupt("XFS inode " + inode.number() + ": B+tree block " + fsBlock + " reached twice (a cycle)");
        }
        byte[] block = readDevice(blockAddress(fsBlock), blockSize, "a B+tree block of XFS inode " + inode.number());
        String magic = v5 ? "BMA3" : "BMAP";
        if (!Bin.has(block, 0, magic)) throw StructureException.corrupt("XFS inode " + inode.number() + ": B+tree block " + fsBlock + " without magic " + magic);
        int header = v5 ? 72 : 24;
        int blockLevel = Bin.u16be(block, 4);
        int records = Bin.u16be(block, 6);
        if (blockLevel != level) throw StructureException.corrupt("XFS inode " + inode.number() + ": B+tree block at level " + blockLevel + ", expected " + level);
        if (level == 0) {
            if (header + records * 16 > blockSize) throw StructureException.corrupt("XFS inode " + inode.number() + ": B+tree leaf with " + records + " records");
            for (int i = 0; i < records; i++) {
                if (out.size() >= MAX_EXTENTS) throw StructureException.limit("XFS inode " + inode.number() + " has more than " + MAX_EXTENTS + " extents");
                out.add(extent(block, header + i * 16));
            }
            return;
        }
        int maxRecords = (blockSize - header) / 16;
        if (records > maxRecords) throw StructureException.corrupt("XFS inode " + inode.number() + ": B+tree node with " + records + " records");
        for (int i = 0; i < records; i++) {
            btreeBlock(inode, Bin.u64be(block, header + maxRecords * 8 + i * 8), level - 1, visited, out);
        }
    }

    @Override
    protected byte[] readData(Node node, long offset, int length) throws IOException, StructureException {
        Inode inode = inode(node.id());
        long end = Math.min(inode.size(), offset + length);
        if (offset >= end) return new byte[0];
        byte[] out = new byte[(int) (end - offset)];
        if (inode.format() == FORMAT_LOCAL) {
            byte[] fork = inode.fork();
            if (inode.size() > fork.length) throw StructureException.corrupt("XFS inode " + inode.number() + ": local data of " + inode.size() + " bytes");
            System.arraycopy(fork, (int) offset, out, 0, out.length);
            return out;
        }
        if ((inode.flags() & DIFLAG_REALTIME) != 0) throw StructureException.unsupported("XFS inode " + inode.number() + " is a realtime file");
        copyExtents(inode, extents(inode), offset, out);
        return out;
    }

    /** Fills {@code out} with the file's bytes from {@code offset}; holes and unwritten extents stay zero. */
    private void copyExtents(Inode inode, List<Extent> extents, long offset, byte[] out) throws IOException, StructureException {
        long end = offset + out.length;
        for (Extent e : extents) {
            if (e.unwritten()) continue;
            long from = Math.max(offset, Bin.multiply(e.offset(), blockSize, "extent offset"));
            long to = Math.min(end, Bin.multiply(Bin.add(e.offset(), e.count(), "extent end"), blockSize, "extent end"));
            if (to <= from) continue;
            long device = Bin.add(blockAddress(e.block()), from - e.offset() * blockSize, "extent address");
            if ((e.block() & ((1L << agblkLog) - 1)) + e.count() > agBlocks) {
                throw StructureException.corrupt("XFS inode " + inode.number() + ": an extent runs past the end of its allocation group");
            }
            byte[] data = readDevice(device, (int) (to - from), "data of XFS inode " + inode.number());
            System.arraycopy(data, 0, out, (int) (from - offset), data.length);
        }
    }

    @Override
    protected String linkTarget(Node link) throws IOException, StructureException {
        Inode inode = inode(link.id());
        if (inode.size() > 1024) throw StructureException.corrupt("XFS inode " + inode.number() + ": a symbolic link of " + inode.size() + " bytes");
        if (inode.format() == FORMAT_LOCAL) return new String(readData(link, 0, (int) inode.size()), StandardCharsets.UTF_8);
        if (!v5) return super.linkTarget(link);
        // v5 remote links carry a 56-byte header ("XSLM") in each block.
        StringBuilder target = new StringBuilder();
        long remaining = inode.size();
        for (Extent e : extents(inode)) {
            for (long b = 0; b < e.count() && remaining > 0; b++) {
                byte[] block = readDevice(blockAddress(e.block() + b), blockSize, "a symbolic link block of XFS inode " + inode.number());
                if (!Bin.has(block, 0, "XSLM")) throw StructureException.corrupt("XFS inode " + inode.number() + ": link block without magic XSLM");
                int n = (int) Math.min(remaining, blockSize - 56);
                target.append(new String(block, 56, n, StandardCharsets.UTF_8));
                remaining -= n;
            }
        }
        return target.toString();
    }

    // --- directories ----------------------------------------------------------------------------

    private interface EntryVisitor {
        boolean visit(Entry e);
    }

    @Override
    protected Optional<Entry> find(Node dir, String name) throws IOException, StructureException {
        List<Entry> found = new ArrayList<>(1);
        scan(dir, e -> {
            if (e.name().equals(name)) {
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
            if (e.name().equals(".") || e.name().equals("..")) return true;
            if (out.size() >= max) {
                more[0] = true;
                return false;
            }
            out.add(e);
            return true;
        });
        return new Listing(out, more[0]);
    }

    private void scan(Node dir, EntryVisitor visitor) throws IOException, StructureException {
        Inode inode = inode(dir.id());
        if (inode.format() == FORMAT_LOCAL) {
            shortForm(inode, visitor);
            return;
        }
        int dirBlocks = 0;
        int fsBlocksPerDirBlock = dirBlockSize / blockSize;
        for (Extent e : extents(inode)) {
            if (e.unwritten()) continue;
            for (long b = 0; b < e.count(); b += fsBlocksPerDirBlock) {
                long fileOffset = Bin.multiply(e.offset() + b, blockSize, "directory offset");
                if (fileOffset >= DIR_LEAF_OFFSET) return;
                if (++dirBlocks > MAX_DIRECTORY_BLOCKS) {
                    throw StructureException.limit("XFS directory inode " + inode.number() + " has more than " + MAX_DIRECTORY_BLOCKS + " blocks");
                }
                byte[] block = readDevice(blockAddress(e.block() + b), dirBlockSize, "a block of XFS directory inode " + inode.number());
                if (!dataBlock(inode, block, visitor)) return;
            }
        }
    }

    /** The short-form directory in the inode: header, then name length, offset, name, file type, inode number. */
    private void shortForm(Inode dir, EntryVisitor visitor) throws StructureException {
        byte[] fork = dir.fork();
        int count = Bin.u8(fork, 0);
        int i8count = Bin.u8(fork, 1);
        int inoSize = i8count > 0 ? 8 : 4;
        int pos = 2 + inoSize;
        for (int i = 0; i < count; i++) {
            int nameLen = Bin.u8(fork, pos);
            if (nameLen == 0) throw StructureException.corrupt("XFS directory inode " + dir.number() + ": a short-form entry without a name");
            String name = Bin.utf8(fork, pos + 3, nameLen);
            int at = pos + 3 + nameLen;
            Kind kind = Kind.UNKNOWN;
            if (ftype) kind = fileType(Bin.u8(fork, at++));
            long ino = inoSize == 8 ? Bin.u64be(fork, at) : Bin.u32be(fork, at);
            if (!visitor.visit(new Entry(name, ino, kind))) return;
            pos = at + inoSize;
        }
    }

    /** A block-form or data block: entries between the header and the end (block form: the leaf at its tail). */
    private boolean dataBlock(Inode dir, byte[] block, EntryVisitor visitor) throws StructureException {
        int header;
        int end = block.length;
        if (Bin.has(block, 0, "XD2B") || Bin.has(block, 0, "XDB3")) {
            header = v5 ? 64 : 16;
            long leafCount = Bin.u32be(block, block.length - 8);
            if (leafCount * 8 + 8 > block.length - header) {
                throw StructureException.corrupt("XFS directory inode " + dir.number() + ": a block directory with " + leafCount + " leaf entries");
            }
            end = (int) (block.length - 8 - leafCount * 8);
        } else if (Bin.has(block, 0, "XD2D") || Bin.has(block, 0, "XDD3")) {
            header = v5 ? 64 : 16;
        } else {
            throw StructureException.corrupt("XFS directory inode " + dir.number() + ": a data block without a directory magic");
        }
        int pos = header;
        while (pos < end) {
            if (Bin.u16be(block, pos) == 0xFFFF) {
                int free = Bin.u16be(block, pos + 2);
                if (free < 8 || free % 8 != 0 || pos + free > end) {
                    throw StructureException.corrupt("XFS directory inode " + dir.number() + ": a free region of " + free + " bytes");
                }
                pos += free;
                continue;
            }
            long ino = Bin.u64be(block, pos);
            int nameLen = Bin.u8(block, pos + 8);
            int length = (8 + 1 + nameLen + (ftype ? 1 : 0) + 2 + 7) & ~7;
            if (nameLen == 0 || pos + length > end) {
                throw StructureException.corrupt("XFS directory inode " + dir.number() + ": an entry of " + length + " bytes at byte " + pos);
            }
            String name = Bin.utf8(block, pos + 9, nameLen);
            Kind kind = ftype ? fileType(Bin.u8(block, pos + 9 + nameLen)) : Kind.UNKNOWN;
            if (!visitor.visit(new Entry(name, ino, kind))) return false;
            pos += length;
        }
        return true;
    }

    private static Kind fileType(int t) {
        return switch (t) {
            case 1 -> Kind.FILE;
            case 2 -> Kind.DIRECTORY;
            case 7 -> Kind.SYMLINK;
            case 0 -> Kind.UNKNOWN;
            default -> Kind.OTHER;
        };
    }
}
