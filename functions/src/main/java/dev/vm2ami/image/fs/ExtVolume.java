package dev.vm2ami.image.fs;

import dev.vm2ami.image.read.Bin;
import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.read.StructureException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ext2, ext3 and ext4, read-only: files through extent trees (ext4) or block maps (ext2/3, and
 * ext4 files without the extents flag), inline data, and directories read linearly (an htree's
 * index blocks look like empty entries to a linear reader, which is how e2fsck and the kernel's
 * fallback read them). The journal is not replayed: a volume that was not cleanly unmounted is
 * read as it is on disk.
 *
 * <p>Not supported: encrypted files and directories (fscrypt), the old compression patches,
 * external journal devices, Lustre's dirdata. Layout: the kernel's Documentation/filesystems/ext4.
 */
public final class ExtVolume extends Volume {
    private static final int SUPERBLOCK = 1024;
    private static final int INCOMPAT_COMPRESSION = 0x1;
    private static final int INCOMPAT_FILETYPE = 0x2;
    private static final int INCOMPAT_JOURNAL_DEV = 0x8;
    private static final int INCOMPAT_META_BG = 0x10;
    private static final int INCOMPAT_64BIT = 0x80;
    private static final int INCOMPAT_DIRDATA = 0x1000;
    private static final int INCOMPAT_LARGEDIR = 0x4000;
    private static final int RO_COMPAT_SPARSE_SUPER = 0x1;
    private static final long FLAG_ENCRYPT = 0x800;
    private static final long FLAG_EXTENTS = 0x80000;
    private static final long FLAG_INLINE_DATA = 0x10000000;
    private static final int MAX_EXTENT_DEPTH = 5;
    private static final int MAX_DIRECTORY_BYTES = 32 << 20;
    private static final int DIRECTORY_CHUNK = 64 << 10;
    private static final int CACHED_INODES = 256;

    private final String type;
    private final int blockSize;
    private final long blocksCount;
    private final long inodesCount;
    private final long firstDataBlock;
    private final long blocksPerGroup;
    private final long inodesPerGroup;
    private final int inodeSize;
    private final int descSize;
    private final long incompat;
    private final long roCompat;
    private final long firstMetaBg;
    private final String uuid;
    private final String label;
    private final Map<Long, Inode> inodes = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Inode> eldest) {
            return size() > CACHED_INODES;
        }
    };

    /** The parts of an inode the reader uses; {@code raw} is the whole on-disk inode. */
    private record Inode(long number, int mode, long size, long flags, long blocks, long fileAcl, byte[] raw) {
        Kind kind() {
            return switch (mode & 0xF000) {
                case 0x8000 -> Kind.FILE;
                case 0x4000 -> Kind.DIRECTORY;
                case 0xA000 -> Kind.SYMLINK;
                default -> Kind.OTHER;
            };
        }
    }

    private ExtVolume(BlockDevice device, ReadBudget budget, byte[] sb) throws StructureException {
        super(device, budget);
        long logBlock = Bin.u32le(sb, 24);
        if (logBlock > 6) throw StructureException.corrupt("ext superblock: block size 2^(10+" + logBlock + ")");
        blockSize = 1024 << logBlock;
        incompat = Bin.u32le(sb, 96);
        roCompat = Bin.u32le(sb, 100);
        long compat = Bin.u32le(sb, 92);
        if ((incompat & INCOMPAT_JOURNAL_DEV) != 0) throw StructureException.unsupported("an ext journal device holds no files");
        if ((incompat & INCOMPAT_COMPRESSION) != 0) throw StructureException.unsupported("ext compression");
        if ((incompat & INCOMPAT_DIRDATA) != 0) throw StructureException.unsupported("ext dirdata (Lustre)");
        blocksCount = Bin.u32le(sb, 4) | ((incompat & INCOMPAT_64BIT) != 0 ? Bin.u32le(sb, 336) << 32 : 0);
        inodesCount = Bin.u32le(sb, 0);
        firstDataBlock = Bin.u32le(sb, 20);
        blocksPerGroup = Bin.u32le(sb, 32);
        inodesPerGroup = Bin.u32le(sb, 40);
        int revision = (int) Bin.u32le(sb, 76);
        inodeSize = revision == 0 ? 128 : Bin.u16le(sb, 88);
        descSize = (incompat & INCOMPAT_64BIT) != 0 ? Bin.u16le(sb, 254) : 32;
        firstMetaBg = Bin.u32le(sb, 260);
        if (blocksPerGroup == 0 || blocksPerGroup > 8L * blockSize || inodesPerGroup == 0 || inodesPerGroup > 8L * blockSize
                || inodeSize < 128 || inodeSize > blockSize || Integer.bitCount(inodeSize) != 1
                || descSize < 32 || descSize > 1024 || Integer.bitCount(descSize) != 1 || firstDataBlock >= blocksCount
                || inodesCount == 0 || blocksCount == 0) {
            throw StructureException.corrupt("ext superblock: inconsistent geometry (block size " + blockSize + ", "
                    + blocksPerGroup + " blocks and " + inodesPerGroup + " inodes per group, inode size " + inodeSize
                    + ", descriptor size " + descSize + ")");
        }
        type = (incompat & (0x40 | 0x80 | 0x200)) != 0 || (roCompat & (0x8 | 0x10 | 0x20 | 0x40 | 0x400)) != 0 ? "ext4"
                : (compat & 0x4) != 0 ? "ext3" : "ext2";
        uuid = Bin.uuid(sb, 104);
        label = Bin.latin1(sb, 120, 16);
    }

    /** Whether the device starts with an ext superblock (magic 0xEF53 at byte 1080). */
    public static boolean detect(byte[] first) {
        return first.length >= SUPERBLOCK + 58 && (first[SUPERBLOCK + 56] & 0xFF) == 0x53 && (first[SUPERBLOCK + 57] & 0xFF) == 0xEF;
    }

    public static ExtVolume open(BlockDevice device, ReadBudget budget) throws IOException, StructureException {
        budget.charge(SUPERBLOCK, "the ext superblock");
        byte[] sb = device.readFully(SUPERBLOCK, SUPERBLOCK, "the ext superblock");
        if (Bin.u16le(sb, 56) != 0xEF53) throw StructureException.corrupt("no ext superblock (magic 0xEF53) at byte 1080");
        return new ExtVolume(device, budget, sb);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Optional<String> uuid() {
        return uuid.equals("00000000-0000-0000-0000-000000000000") ? Optional.empty() : Optional.of(uuid);
    }

    @Override
    public Optional<String> label() {
        return label.isEmpty() ? Optional.empty() : Optional.of(label);
    }

    public int blockSize() {
        return blockSize;
    }

    @Override
    public Node root() throws IOException, StructureException {
        return node(2);
    }

    @Override
    public Node node(long id) throws IOException, StructureException {
        Inode i = inode(id);
        return new Node(id, i.kind(), i.size());
    }

    private Inode inode(long number) throws IOException, StructureException {
        Inode cached = inodes.get(number);
        if (cached != null) return cached;
        if (number < 1 || number > inodesCount) throw StructureException.corrupt("inode " + number + " is outside 1-" + inodesCount);
        long group = (number - 1) / inodesPerGroup;
        long index = (number - 1) % inodesPerGroup;
        long table = inodeTable(group);
        long at = Bin.add(Bin.multiply(table, blockSize, "inode table"), index * inodeSize, "inode offset");
        byte[] raw = readDevice(at, inodeSize, "inode " + number);
        int mode = Bin.u16le(raw, 0);
        long flags = Bin.u32le(raw, 0x20);
        long size = Bin.u32le(raw, 4);
        boolean large = (mode & 0xF000) == 0x8000 || ((mode & 0xF000) == 0x4000 && (incompat & INCOMPAT_LARGEDIR) != 0);
        if (large) size |= Bin.u32le(raw, 0x6C) << 32;
        if (size < 0) throw StructureException.corrupt("inode " + number + " claims a negative size");
        Inode inode = new Inode(number, mode, size, flags, Bin.u32le(raw, 0x1C), Bin.u32le(raw, 0x68), raw);
        inodes.put(number, inode);
        return inode;
    }

    /** The first block of group {@code group}'s inode table, from its group descriptor. */
    private long inodeTable(long group) throws IOException, StructureException {
        long perBlock = blockSize / descSize;
        long metaGroup = group / perBlock;
        long descBlock;
        if ((incompat & INCOMPAT_META_BG) != 0 && metaGroup >= firstMetaBg) {
            long first = metaGroup * perBlock;
            descBlock = firstDataBlock + first * blocksPerGroup + (hasSuper(first) ? 1 : 0);
        } else {
            descBlock = firstDataBlock + 1 + metaGroup;
        }
        long at = Bin.add(Bin.multiply(descBlock, blockSize, "group descriptor"), (group % perBlock) * descSize, "group descriptor");
        byte[] desc = readDevice(at, descSize, "the descriptor of block group " + group);
        long table = Bin.u32le(desc, 8) | (descSize >= 64 ? Bin.u32le(desc, 0x28) << 32 : 0);
        if (table == 0 || table >= blocksCount) {
            throw StructureException.corrupt("block group " + group + " puts its inode table at block " + table + " of " + blocksCount);
        }
        return table;
    }

    private boolean hasSuper(long group) {
        if ((roCompat & RO_COMPAT_SPARSE_SUPER) == 0 || group <= 1) return true;
        if (group % 2 == 0) return false;
        for (long base : new long[]{3, 5, 7}) {
            long p = base;
            while (p < group) p *= base;
            if (p == group) return true;
        }
        return false;
    }

    // --- file contents ----------------------------------------------------------------------------

    @Override
    protected byte[] readData(Node node, long offset, int length) throws IOException, StructureException {
        Inode inode = inode(node.id());
        if ((inode.flags() & FLAG_ENCRYPT) != 0) throw StructureException.unsupported("inode " + inode.number() + " is encrypted (fscrypt)");
        long end = Math.min(inode.size(), offset + length);
        if (offset >= end) return new byte[0];
        int n = (int) (end - offset);
        if ((inode.flags() & FLAG_INLINE_DATA) != 0) {
            byte[] all = inlineData(inode);
            byte[] out = new byte[n];
            if (offset < all.length) System.arraycopy(all, (int) offset, out, 0, (int) Math.min(n, all.length - offset));
            return out;
        }
        byte[] out = new byte[n];
        int done = 0;
        while (done < n) {
            long pos = offset + done;
            long logical = pos / blockSize;
            int within = (int) (pos % blockSize);
            Run run = map(inode, logical);
            long runBytes = Bin.multiply(Math.min(run.blocks(), Integer.MAX_VALUE / blockSize), blockSize, "run") - within;
            int take = (int) Math.min(n - done, runBytes);
            if (take <= 0) throw StructureException.corrupt("inode " + inode.number() + " maps block " + logical + " to an empty run");
            if (run.physical() >= 0) {
                if (run.physical() >= blocksCount) {
                    throw StructureException.corrupt("inode " + inode.number() + " maps block " + logical + " to block "
                            + run.physical() + ", past the " + blocksCount + " blocks of the file system");
                }
                long at = run.physical() * blockSize + within;
                byte[] data = readDevice(at, take, "data of inode " + inode.number());
                System.arraycopy(data, 0, out, done, take);
            }
            done += take;
        }
        return out;
    }

    /** {@code blocks} blocks from logical block on are at {@code physical} on (-1: a hole, read as zeros). */
    private record Run(long physical, long blocks) {
    }

    private Run map(Inode inode, long logical) throws IOException, StructureException {
        if ((inode.flags() & FLAG_EXTENTS) != 0) return mapExtents(inode, logical);
        return mapBlocks(inode, logical);
    }

    private Run mapExtents(Inode inode, long logical) throws IOException, StructureException {
        byte[] node = Bin.slice(inode.raw(), 0x28, 60);
        int expectedDepth = -1;
        for (int level = 0; level <= MAX_EXTENT_DEPTH; level++) {
            if (Bin.u16le(node, 0) != 0xF30A) throw StructureException.corrupt("inode " + inode.number() + ": extent node without magic 0xF30A");
            int entries = Bin.u16le(node, 2);
            int depth = Bin.u16le(node, 6);
            if (12 + entries * 12 > node.length || entries > Bin.u16le(node, 4) || depth > MAX_EXTENT_DEPTH
                    || (expectedDepth >= 0 && depth != expectedDepth)) {
                throw StructureException.corrupt("inode " + inode.number() + ": extent node with " + entries + " entries at depth " + depth);
            }
            if (depth == 0) {
                long nextStart = Long.MAX_VALUE;
                for (int e = 0; e < entries; e++) {
                    int o = 12 + e * 12;
                    long first = Bin.u32le(node, o);
                    int len = Bin.u16le(node, o + 4);
                    boolean unwritten = len > 32768;
                    if (unwritten) len -= 32768;
                    long start = (long) Bin.u16le(node, o + 6) << 32 | Bin.u32le(node, o + 8);
                    if (logical >= first && logical < first + len) {
                        long left = first + len - logical;
                        return new Run(unwritten ? -1 : start + (logical - first), left);
                    }
                    if (first > logical) nextStart = Math.min(nextStart, first);
                }
                return new Run(-1, nextStart == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : nextStart - logical);
            }
            long child = -1;
            long firstKey = Long.MAX_VALUE;
            for (int e = 0; e < entries; e++) {
                int o = 12 + e * 12;
                long first = Bin.u32le(node, o);
                firstKey = Math.min(firstKey, first);
                if (first <= logical) child = (long) Bin.u16le(node, o + 8) << 32 | Bin.u32le(node, o + 4);
            }
            if (child < 0) return new Run(-1, firstKey == Long.MAX_VALUE ? Long.MAX_VALUE / 2 : firstKey - logical);
            if (child == 0 || child >= blocksCount) throw StructureException.corrupt("inode " + inode.number() + ": extent index points to block " + child);
            node = readDevice(child * blockSize, blockSize, "an extent tree block of inode " + inode.number());
            expectedDepth = depth - 1;
        }
        throw StructureException.corrupt("inode " + inode.number() + ": extent tree deeper than " + MAX_EXTENT_DEPTH);
    }

    /**
     * The block map: 12 direct pointers, then one, two and three levels of indirect blocks. The
     * run extends over the following pointers of the same table while they stay contiguous, so a
     * file laid out in one piece is read in few requests.
     */
    private Run mapBlocks(Inode inode, long logical) throws IOException, StructureException {
        long perBlock = blockSize / 4;
        byte[] raw = inode.raw();
        if (logical < 12) return run(raw, 0x28, (int) logical, 12);
        long l = logical - 12;
        int level;
        int slot;
        if (l < perBlock) {
            level = 1;
            slot = 12;
        } else if ((l -= perBlock) < perBlock * perBlock) {
            level = 2;
            slot = 13;
        } else if ((l -= perBlock * perBlock) < perBlock * perBlock * perBlock) {
            level = 3;
            slot = 14;
        } else {
            return new Run(-1, 1);
        }
        long pointer = Bin.u32le(raw, 0x28 + slot * 4);
        for (int d = level - 1; d >= 0; d--) {
            if (pointer == 0) return new Run(-1, 1);
            if (pointer >= blocksCount) throw StructureException.corrupt("inode " + inode.number() + ": indirect block " + pointer);
            long span = 1;
            for (int k = 0; k < d; k++) span *= perBlock;
            int index = (int) (l / span);
            l %= span;
            byte[] table = indirect(pointer, inode);
            if (d == 0) return run(table, 0, index, (int) perBlock);
            pointer = Bin.u32le(table, index * 4);
        }
        throw new IllegalStateException("unreachable");
    }

    /** The run starting at pointer {@code index} of a table of {@code count} 32-bit block pointers at {@code base}. */
    private static Run run(byte[] table, int base, int index, int count) throws StructureException {
        long first = Bin.u32le(table, base + index * 4);
        if (first == 0) return new Run(-1, 1);
        int n = 1;
        while (index + n < count && Bin.u32le(table, base + (index + n) * 4) == first + n) n++;
        return new Run(first, n);
    }

    private final Map<Long, byte[]> indirectBlocks = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > 16;
        }
    };

    private byte[] indirect(long block, Inode inode) throws IOException, StructureException {
        byte[] cached = indirectBlocks.get(block);
        if (cached != null) return cached;
        byte[] table = readDevice(block * blockSize, blockSize, "an indirect block of inode " + inode.number());
        indirectBlocks.put(block, table);
        return table;
    }

    /** An inline file or directory: the 60 bytes of i_block, then the value of the system.data attribute. */
    private byte[] inlineData(Inode inode) throws StructureException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(inode.raw(), 0x28, 60);
        out.writeBytes(inlineAttribute(inode));
        return out.toByteArray();
    }

    private byte[] inlineAttribute(Inode inode) throws StructureException {
        byte[] raw = inode.raw();
        if (raw.length <= 128) return new byte[0];
        int extra = Bin.u16le(raw, 0x80);
        int start = 128 + extra;
        if (extra % 4 != 0 || start + 4 > raw.length || Bin.u32le(raw, start) != 0xEA020000L) return new byte[0];
        int first = start + 4;
        int at = first;
        for (int k = 0; k < 256 && at + 16 <= raw.length && Bin.u32le(raw, at) != 0; k++) {
            int nameLen = Bin.u8(raw, at);
            int index = Bin.u8(raw, at + 1);
            int valueOffset = Bin.u16le(raw, at + 2);
            long valueSize = Bin.u32le(raw, at + 8);
            String name = Bin.latin1(raw, at + 16, nameLen);
            if (index == 7 && name.equals("data")) {
                if (valueSize > raw.length) throw StructureException.corrupt("inode " + inode.number() + ": inline data of " + valueSize + " bytes");
                return Bin.slice(raw, first + valueOffset, (int) valueSize);
            }
            at += (16 + nameLen + 3) & ~3;
        }
        return new byte[0];
    }

    @Override
    protected String linkTarget(Node link) throws IOException, StructureException {
        Inode inode = inode(link.id());
        long eaBlocks = inode.fileAcl() != 0 ? blockSize / 512 : 0;
        boolean fast = (inode.flags() & (FLAG_EXTENTS | FLAG_INLINE_DATA)) == 0 && inode.blocks() - eaBlocks == 0;
        if (fast) {
            if (inode.size() > 60) throw StructureException.corrupt("inode " + inode.number() + ": a fast symbolic link of " + inode.size() + " bytes");
            return new String(inode.raw(), 0x28, (int) inode.size(), StandardCharsets.UTF_8);
        }
        return super.linkTarget(link);
    }

    // --- directories ----------------------------------------------------------------------------

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

    private interface EntryVisitor {
        /** Returns whether to go on. */
        boolean visit(Entry e);
    }

    private void scan(Node dir, EntryVisitor visitor) throws IOException, StructureException {
        Inode inode = inode(dir.id());
        if ((inode.flags() & FLAG_ENCRYPT) != 0) throw StructureException.unsupported("directory inode " + inode.number() + " is encrypted (fscrypt)");
        if ((inode.flags() & FLAG_INLINE_DATA) != 0) {
            byte[] inline = inlineData(inode);
            // The first four bytes are the parent's inode number; entries follow, then the attribute's.
            if (!entries(Bin.slice(inline, 4, 56), inode, visitor)) return;
            entries(Bin.slice(inline, 60, inline.length - 60), inode, visitor);
            return;
        }
        if (inode.size() > MAX_DIRECTORY_BYTES) {
            throw StructureException.limit("directory inode " + inode.number() + " is " + inode.size() + " bytes, more than "
                    + MAX_DIRECTORY_BYTES + " are read");
        }
        for (long at = 0; at < inode.size(); at += DIRECTORY_CHUNK) {
            int n = (int) Math.min(DIRECTORY_CHUNK, inode.size() - at);
            byte[] chunk = readData(dir, at, n);
            for (int b = 0; b < chunk.length; b += blockSize) {
                if (!entries(Bin.slice(chunk, b, Math.min(blockSize, chunk.length - b)), inode, visitor)) return;
            }
        }
    }

    /** The entries of one directory block; false when the visitor has seen enough. */
    private boolean entries(byte[] block, Inode dir, EntryVisitor visitor) throws StructureException {
        boolean fileType = (incompat & INCOMPAT_FILETYPE) != 0;
        int pos = 0;
        while (pos + 8 <= block.length) {
            long ino = Bin.u32le(block, pos);
            int recLen = Bin.u16le(block, pos + 4);
            if (blockSize >= 65536 && (recLen == 65535 || recLen == 0)) recLen = blockSize;
            else if (blockSize >= 65536) recLen = (recLen & 65532) | ((recLen & 3) << 16);
            int nameLen = fileType ? Bin.u8(block, pos + 6) : Bin.u16le(block, pos + 6);
            if (recLen < 8 || recLen % 4 != 0 || pos + recLen > block.length || 8 + nameLen > recLen) {
                throw StructureException.corrupt("directory inode " + dir.number() + ": an entry of " + recLen
                        + " bytes (name " + nameLen + ") at byte " + pos + " of a block");
            }
            if (ino != 0 && nameLen > 0) {
                Kind kind = fileType ? switch (Bin.u8(block, pos + 7)) {
                    case 1 -> Kind.FILE;
                    case 2 -> Kind.DIRECTORY;
                    case 7 -> Kind.SYMLINK;
                    case 0 -> Kind.UNKNOWN;
                    default -> Kind.OTHER;
                } : Kind.UNKNOWN;
                if (!visitor.visit(new Entry(Bin.utf8(block, pos + 8, nameLen), ino, kind))) return false;
            }
            pos += recLen;
        }
        return true;
    }
}
