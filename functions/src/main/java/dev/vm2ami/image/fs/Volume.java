package dev.vm2ami.image.fs;

import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.read.StructureException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A file system opened read-only: look up paths (following symbolic links, at most
 * {@link #MAX_SYMLINK_HOPS} of them), list directories and read files, each up to a bound the
 * caller gives. Paths are resolved inside the volume: an absolute link target starts again at
 * this volume's root, as it would with the volume mounted at {@code /}.
 *
 * <p>Each reader (ext, XFS, NTFS, FAT) implements the few primitives below; everything it reads
 * goes through {@link #readDevice}, which checks the range against the device and charges the
 * shared {@link ReadBudget}.
 */
public abstract class Volume {
    /** What Linux allows in one path resolution (MAXSYMLINKS). */
    public static final int MAX_SYMLINK_HOPS = 40;
    /** Components walked in one lookup, links' targets included. */
    public static final int MAX_PATH_STEPS = 1024;
    /** The most a single read returns, whatever the caller asks. */
    public static final int MAX_READ = 16 << 20;
    private static final int MAX_LINK_TARGET = 4096;
    private static final int CACHED_LOOKUPS = 512;

    public enum Kind { FILE, DIRECTORY, SYMLINK, OTHER, UNKNOWN }

    /** A file, directory or link: {@code id} is the inode (ext, XFS), MFT record (NTFS) or entry position (FAT). */
    public record Node(long id, Kind kind, long size) {
        public boolean isDirectory() {
            return kind == Kind.DIRECTORY;
        }

        public boolean isFile() {
            return kind == Kind.FILE;
        }
    }

    /** A directory entry; {@code kind} is UNKNOWN where the directory does not record it (read the node). */
    public record Entry(String name, long id, Kind kind) {
    }

    /** Up to the requested number of entries, and whether there were more. */
    public record Listing(List<Entry> entries, boolean truncated) {
        public Listing {
            entries = List.copyOf(entries);
        }

        public List<String> names() {
            return entries.stream().map(Entry::name).toList();
        }
    }

    protected final BlockDevice device;
    private final ReadBudget budget;
    private final Map<String, Optional<Entry>> lookups = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<Volume.Entry>> eldest) {
            return size() > CACHED_LOOKUPS;
        }
    };

    protected Volume(BlockDevice device, ReadBudget budget) {
        this.device = device;
        this.budget = budget;
    }

    /** blkid's name for it: ext2, ext3, ext4, xfs, ntfs, vfat. */
    public abstract String type();

    /** The UUID fstab's UUID= names (FAT and NTFS: their serial numbers, as blkid prints them). */
    public abstract Optional<String> uuid();

    /** The label fstab's LABEL= names. */
    public abstract Optional<String> label();

    public abstract Node root() throws IOException, StructureException;

    /** The node with this id (read from disk). */
    public abstract Node node(long id) throws IOException, StructureException;

    /** The entry {@code name} of directory {@code dir}; case-insensitive where the file system is. */
    protected abstract Optional<Entry> find(Node dir, String name) throws IOException, StructureException;

    /** Up to {@code max} entries of {@code dir}, "." and ".." left out. */
    protected abstract Listing entries(Node dir, int max) throws IOException, StructureException;

    /** Up to {@code length} bytes of the contents of {@code node} at {@code offset} (within its size); holes read as zeros. */
    protected abstract byte[] readData(Node node, long offset, int length) throws IOException, StructureException;

    /** A symbolic link's target; by default its contents. */
    protected String linkTarget(Node link) throws IOException, StructureException {
        return new String(readData(link, 0, (int) Math.min(link.size(), MAX_LINK_TARGET)), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------

    /** The node at {@code path}, every symbolic link followed; empty when a component is missing or not a directory. */
    public final Optional<Node> lookup(String path) throws IOException, StructureException {
        return resolve(path, true);
    }

    /** As {@link #lookup}, but a link at the end of the path is returned, not followed. */
    public final Optional<Node> lookupNoFollow(String path) throws IOException, StructureException {
        return resolve(path, false);
    }

    /** The first {@code maxBytes} bytes of the file at {@code path}; empty when it is missing or no regular file. */
    public final Optional<byte[]> readFile(String path, int maxBytes) throws IOException, StructureException {
        Optional<Node> node = lookup(path);
        if (node.isEmpty() || !node.get().isFile()) return Optional.empty();
        return Optional.of(read(node.get(), 0, maxBytes));
    }

    /** The target of the link at {@code path}; empty when there is no link there. */
    public final Optional<String> readLink(String path) throws IOException, StructureException {
        Optional<Node> node = lookupNoFollow(path);
        if (node.isEmpty() || node.get().kind() != Kind.SYMLINK) return Optional.empty();
        return Optional.of(linkTarget(node.get()));
    }

    /** Up to {@code max} entries of the directory at {@code path}; empty when there is none. */
    public final Optional<Listing> list(String path, int max) throws IOException, StructureException {
        Optional<Node> node = lookup(path);
        if (node.isEmpty() || !node.get().isDirectory()) return Optional.empty();
        return Optional.of(list(node.get(), max));
    }

    public final Listing list(Node dir, int max) throws IOException, StructureException {
        if (!dir.isDirectory()) throw new IllegalArgumentException(dir + " is not a directory");
        return entries(dir, Math.max(0, max));
    }

    /** Up to {@code length} bytes (at most {@link #MAX_READ}) at {@code offset} of a file; fewer at its end. */
    public final byte[] read(Node file, long offset, int length) throws IOException, StructureException {
        if (offset < 0) throw new IllegalArgumentException("negative offset " + offset);
        if (offset >= file.size() || length <= 0) return new byte[0];
        int n = (int) Math.min(Math.min(length, MAX_READ), file.size() - offset);
        byte[] data = readData(file, offset, n);
        if (data.length != n) throw StructureException.corrupt("read " + data.length + " of " + n + " bytes of node " + file.id());
        return data;
    }

    /** A file's contents as a device, for formats read at random (a registry hive). */
    public final BlockDevice open(Node file) {
        Volume volume = this;
        return new BlockDevice() {
            @Override
            public long size() {
                return file.size();
            }

            @Override
            public byte[] read(long offset, int length) throws IOException, StructureException {
                if (offset < 0 || length <= 0 || offset >= file.size()) return new byte[0];
                return volume.read(file, offset, length);
            }

            @Override
            public String toString() {
                return "node " + file.id() + " of " + volume;
            }
        };
    }

    /**
     * Reads {@code length} bytes at {@code offset} of the device for {@code what}: the range must
     * lie on the device, and the bytes count against the budget.
     */
    protected final byte[] readDevice(long offset, int length, String what) throws IOException, StructureException {
        if (length < 0 || length > MAX_READ) throw StructureException.limit(what + " of " + length + " bytes");
        budget.charge(length, what);
        return device.readFully(offset, length, what);
    }

    @Override
    public String toString() {
        return type() + " volume" + label().map(l -> " '" + l + "'").orElse("");
    }

    private Optional<Node> resolve(String path, boolean followLast) throws IOException, StructureException {
        Deque<String> todo = new ArrayDeque<>(components(path));
        List<Node> stack = new ArrayList<>();
        stack.add(root());
        int hops = 0;
        int steps = 0;
        while (!todo.isEmpty()) {
            if (++steps > MAX_PATH_STEPS) throw StructureException.limit("resolving " + path + " took more than " + MAX_PATH_STEPS + " steps");
            String name = todo.pollFirst();
            if (name.equals("..")) {
                if (stack.size() > 1) stack.remove(stack.size() - 1);
                continue;
            }
            Node dir = stack.get(stack.size() - 1);
            if (!dir.isDirectory()) return Optional.empty();
            Optional<Entry> entry = child(dir, name);
            if (entry.isEmpty()) return Optional.empty();
            Node node = node(entry.get().id());
            if (node.kind() == Kind.SYMLINK && (followLast || !todo.isEmpty())) {
                if (++hops > MAX_SYMLINK_HOPS) {
                    throw StructureException.limit("resolving " + path + " meets more than " + MAX_SYMLINK_HOPS + " symbolic links (a loop?)");
                }
                String target = linkTarget(node);
                if (target.isEmpty()) return Optional.empty();
                if (target.startsWith("/")) stack.subList(1, stack.size()).clear();
                List<String> parts = components(target);
                for (int i = parts.size() - 1; i >= 0; i--) todo.addFirst(parts.get(i));
                if (todo.size() > MAX_PATH_STEPS) throw StructureException.limit("resolving " + path + ": the links expand to more than " + MAX_PATH_STEPS + " components");
                continue;
            }
            stack.add(node);
        }
        return Optional.of(stack.get(stack.size() - 1));
    }

    private Optional<Entry> child(Node dir, String name) throws IOException, StructureException {
        String key = dir.id() + "/" + name;
        Optional<Entry> cached = lookups.get(key);
        if (cached != null) return cached;
        Optional<Entry> found = find(dir, name);
        lookups.put(key, found);
        return found;
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) if (!c.isEmpty() && !c.equals(".")) out.add(c);
        return out;
    }

    /** Case-insensitive name comparison as FAT and NTFS do it (close enough: NTFS's own upcase table differs only for rare characters). */
    protected static boolean sameNameIgnoringCase(String a, String b) {
        return a.length() == b.length() && a.toUpperCase(Locale.ROOT).equals(b.toUpperCase(Locale.ROOT));
    }
}
