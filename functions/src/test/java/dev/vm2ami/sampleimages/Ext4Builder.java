package dev.vm2ami.sampleimages;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Writes a small ext4 file system holding a {@link LinuxRoot}, in Java, so the demo's and the
 * local cloud's images carry a real-looking OS without mkfs tools: one block group of 4 KiB
 * blocks (at most 128 MiB), 128-byte inodes, files in one extent each, linear directories, fast
 * and slow symbolic links, a lost+found, no journal. e2fsck -fn finds nothing to fix in what it
 * writes (Ext4BuilderTest), and vm2ami's own reader and debugfs read it back.
 */
public final class Ext4Builder {
    private static final int BLOCK = 4096;
    private static final int INODE_SIZE = 128;
    private static final int INODES = 512;
    private static final int FIRST_INODE = 11;
    private static final int BLOCK_BITMAP = 2;
    private static final int INODE_BITMAP = 3;
    private static final int INODE_TABLE = 4;
    private static final int INODE_TABLE_BLOCKS = INODES * INODE_SIZE / BLOCK;
    private static final int MAX_BLOCKS = 8 * BLOCK;

    private final long size;
    private final UUID uuid;
    private final String label;
    private final SparseImage image;
    private int nextBlock = INODE_TABLE + INODE_TABLE_BLOCKS;
    private int nextInode = FIRST_INODE;
    private int directories;

    private Ext4Builder(long size, UUID uuid, String label) {
        if (size > (long) MAX_BLOCKS * BLOCK || size < 64 * BLOCK) throw new IllegalArgumentException("an ext4 of 256 KiB to 128 MiB, not " + size);
        this.size = size / BLOCK * BLOCK;
        this.uuid = uuid;
        this.label = label;
        this.image = new SparseImage(this.size);
    }

    /** An ext4 of {@code size} bytes holding {@code tree}, with this UUID and label (what fstab's UUID= and LABEL= name). */
    public static SparseImage build(LinuxRoot tree, long size, UUID uuid, String label) {
        return new Ext4Builder(size, uuid, label).write(tree);
    }

    /** A directory's children, in insertion order; files, links and subdirectories. */
    private static final class Dir {
        final Map<String, Object> children = new LinkedHashMap<>(); // name -> Dir | LinuxRoot.File | LinuxRoot.Link
    }

    private SparseImage write(LinuxRoot tree) {
        Dir root = new Dir();
        for (Map.Entry<String, LinuxRoot.Item> e : new TreeMap<>(tree.items()).entrySet()) {
            String[] parts = e.getKey().substring(1).split("/");
            Dir d = root;
            for (int i = 0; i < parts.length - 1; i++) d = (Dir) d.children.computeIfAbsent(parts[i], k -> new Dir());
            String name = parts[parts.length - 1];
            switch (e.getValue()) {
                case LinuxRoot.Directory x -> d.children.putIfAbsent(name, new Dir());
                case LinuxRoot.File f -> d.children.put(name, f);
                case LinuxRoot.Link l -> d.children.put(name, l);
            }
        }
        root.children.put("lost+found", new Dir());
        directory(root, 2, 2);
        metadata();
        return image;
    }

    /** Writes directory {@code dir} as inode {@code ino} (parent {@code parent}), its children first. */
    private void directory(Dir dir, int ino, int parent) {
        directories++;
        List<byte[]> entries = new ArrayList<>();
        entries.add(entry(ino, ".", 2));
        entries.add(entry(parent, "..", 2));
        int subdirs = 0;
        for (Map.Entry<String, Object> c : dir.children.entrySet()) {
            int child = nextInode++;
            if (child > INODES) throw new IllegalStateException("more than " + INODES + " inodes");
            switch (c.getValue()) {
                case Dir d -> {
                    directory(d, child, ino);
                    subdirs++;
                    entries.add(entry(child, c.getKey(), 2));
                }
                case LinuxRoot.File f -> {
                    inode(child, 0x81A4 | (isExecutable(f) ? 0x49 : 0), f.content().length, 1, data(f.content()), true);
                    entries.add(entry(child, c.getKey(), 1));
                }
                case LinuxRoot.Link l -> {
                    byte[] target = l.target().getBytes(StandardCharsets.UTF_8);
                    if (target.length < 60) inode(child, 0xA1FF, target.length, 1, null, false, target);
                    else inode(child, 0xA1FF, target.length, 1, data(target), true);
                    entries.add(entry(child, c.getKey(), 7));
                }
                default -> throw new IllegalStateException();
            }
        }
        byte[] blocks = directoryBlocks(entries);
        inode(ino, 0x41ED, blocks.length, 2 + subdirs, data(blocks), true);
    }

    private static boolean isExecutable(LinuxRoot.File f) {
        byte[] c = f.content();
        return c.length >= 4 && c[0] == 0x7F && c[1] == 'E' && c[2] == 'L' && c[3] == 'F';
    }

    /** A directory entry (ext4_dir_entry_2) without its final record length. */
    private static byte[] entry(int ino, String name, int type) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate((8 + n.length + 3) & ~3).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, ino).putShort(4, (short) b.capacity()).put(6, (byte) n.length).put(7, (byte) type).put(8, n);
        return b.array();
    }

    /** Packs entries into blocks; the last entry of each block takes the rest of it. */
    private static byte[] directoryBlocks(List<byte[]> entries) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] block = new byte[BLOCK];
        int pos = 0;
        int last = -1;
        for (byte[] e : entries) {
            if (pos + e.length > BLOCK) {
                ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).putShort(last + 4, (short) (BLOCK - last));
                out.writeBytes(block);
                block = new byte[BLOCK];
                pos = 0;
            }
            System.arraycopy(e, 0, block, pos, e.length);
            last = pos;
            pos += e.length;
        }
        ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).putShort(last + 4, (short) (BLOCK - last));
        out.writeBytes(block);
        return out.toByteArray();
    }

    /** Writes {@code content} into fresh contiguous blocks; returns {first block, block count}. */
    private int[] data(byte[] content) {
        int count = (content.length + BLOCK - 1) / BLOCK;
        int first = nextBlock;
        nextBlock += count;
        if ((long) nextBlock * BLOCK > size) throw new IllegalStateException("the tree does not fit in " + size + " bytes");
        if (count > 0) image.write((long) first * BLOCK, content);
        return new int[]{first, count};
    }

    private void inode(int ino, int mode, long length, int links, int[] extent, boolean extents) {
        inode(ino, mode, length, links, extent, extents, null);
    }

    private void inode(int ino, int mode, long length, int links, int[] extent, boolean extents, byte[] inline) {
        ByteBuffer b = ByteBuffer.allocate(INODE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) mode);
        b.putInt(4, (int) length);
        b.putInt(8, 1_700_000_000).putInt(12, 1_700_000_000).putInt(16, 1_700_000_000); // atime, ctime, mtime
        b.putShort(26, (short) links);
        int blocks = extent == null ? 0 : extent[1];
        b.putInt(28, blocks * (BLOCK / 512));
        if (extents) {
            b.putInt(32, 0x80000); // EXT4_EXTENTS_FL
            b.putShort(40, (short) 0xF30A).putShort(42, (short) (blocks > 0 ? 1 : 0)).putShort(44, (short) 4).putShort(46, (short) 0);
            if (blocks > 0) b.putInt(52, 0).putShort(56, (short) blocks).putShort(58, (short) 0).putInt(60, extent[0]);
        } else if (inline != null) {
            b.put(40, inline);
        }
        image.write((long) INODE_TABLE * BLOCK + (long) (ino - 1) * INODE_SIZE, b.array());
    }

    /** Superblock, group descriptor and bitmaps, from what was written. */
    private void metadata() {
        int blocks = (int) (size / BLOCK);
        int usedInodes = nextInode - 1;
        byte[] blockBitmap = new byte[BLOCK];
        for (int i = 0; i < nextBlock; i++) blockBitmap[i / 8] |= (byte) (1 << (i % 8));
        for (int i = blocks; i < MAX_BLOCKS; i++) blockBitmap[i / 8] |= (byte) (1 << (i % 8)); // padding past the end
        byte[] inodeBitmap = new byte[BLOCK];
        for (int i = 0; i < usedInodes; i++) inodeBitmap[i / 8] |= (byte) (1 << (i % 8));
        for (int i = INODES; i < BLOCK * 8; i++) inodeBitmap[i / 8] |= (byte) (1 << (i % 8));
        image.write((long) BLOCK_BITMAP * BLOCK, blockBitmap);
        image.write((long) INODE_BITMAP * BLOCK, inodeBitmap);

        ByteBuffer gd = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        gd.putInt(0, BLOCK_BITMAP).putInt(4, INODE_BITMAP).putInt(8, INODE_TABLE);
        gd.putShort(12, (short) (blocks - nextBlock)).putShort(14, (short) (INODES - usedInodes)).putShort(16, (short) directories);
        image.write(BLOCK, gd.array());

        ByteBuffer sb = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        sb.putInt(0, INODES).putInt(4, blocks).putInt(8, 0).putInt(12, blocks - nextBlock).putInt(16, INODES - usedInodes);
        sb.putInt(20, 0).putInt(24, 2).putInt(28, 2).putInt(32, MAX_BLOCKS).putInt(36, MAX_BLOCKS).putInt(40, INODES);
        sb.putInt(44, 1_700_000_000).putInt(48, 1_700_000_000).putShort(52, (short) 0).putShort(54, (short) -1);
        sb.putShort(56, (short) 0xEF53).putShort(58, (short) 1).putShort(60, (short) 1);
        sb.putInt(64, 1_700_000_000).putInt(76, 1);             // last check, revision 1 (dynamic)
        sb.putInt(84, FIRST_INODE).putShort(88, (short) INODE_SIZE);
        sb.putInt(92, 0);                                        // compat: no journal
        sb.putInt(96, 0x2 | 0x40);                               // incompat: filetype, extents
        sb.putInt(100, 0x1 | 0x2);                               // ro_compat: sparse_super, large_file
        long msb = uuid.getMostSignificantBits();
        long lsb = uuid.getLeastSignificantBits();
        ByteBuffer id = ByteBuffer.allocate(16).putLong(msb).putLong(lsb);
        sb.put(104, id.array());
        byte[] name = label.getBytes(StandardCharsets.ISO_8859_1);
        sb.put(120, name, 0, Math.min(16, name.length));
        image.write(1024, sb.array());
    }
}
