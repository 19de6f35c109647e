package dev.vm2ami.image.os.windows;

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
 * Enough of the Windows registry hive format ("regf") to read keys and values by path, read at
 * random from the hive file so that only the cells on the path are fetched (a SOFTWARE hive is
 * tens of megabytes): the base block (checksum checked), key cells (nk), subkey lists (lf, lh,
 * li, and ri one level deep), value lists and value cells (vk) with resident, inline and big
 * ("db") data. Transaction logs are not replayed: a hive not cleanly closed is read as it is.
 */
public final class RegistryHive {
    private static final int BASE_BLOCK = 4096;
    private static final int MAX_CELL = 1 << 20;
    private static final int MAX_SUBKEYS = 1 << 16;
    private static final int MAX_VALUES = 1 << 14;
    private static final int MAX_VALUE_DATA = 1 << 20;
    private static final int MAX_PATH_DEPTH = 64;

    public static final int REG_SZ = 1;
    public static final int REG_EXPAND_SZ = 2;
    public static final int REG_DWORD = 4;
    public static final int REG_MULTI_SZ = 7;
    public static final int REG_QWORD = 11;

    private final BlockDevice file;
    private final ReadBudget budget;
    private final long binsSize;
    private final long rootOffset;
    private final boolean dirty;

    /** A key: its cell's offset (relative to the first hive bin), name and counts. */
    public record Key(long offset, String name, long subkeyCount, long subkeyList, long valueCount, long valueList) {
    }

    public record Value(String name, int type, byte[] data) {
        /** REG_SZ and REG_EXPAND_SZ as text (up to the first NUL). */
        public Optional<String> string() {
            if (type != REG_SZ && type != REG_EXPAND_SZ) return Optional.empty();
            String s = new String(data, 0, data.length & ~1, StandardCharsets.UTF_16LE);
            int nul = s.indexOf('\0');
            return Optional.of(nul >= 0 ? s.substring(0, nul) : s);
        }

        /** REG_DWORD and REG_QWORD as a number. */
        public Optional<Long> number() {
            try {
                if (type == REG_DWORD && data.length >= 4) return Optional.of(Bin.u32le(data, 0));
                if (type == REG_QWORD && data.length >= 8) return Optional.of(Bin.u64le(data, 0));
            } catch (StructureException e) {
                return Optional.empty();
            }
            return Optional.empty();
        }
    }

    private RegistryHive(BlockDevice file, ReadBudget budget, long binsSize, long rootOffset, boolean dirty) {
        this.file = file;
        this.budget = budget;
        this.binsSize = binsSize;
        this.rootOffset = rootOffset;
        this.dirty = dirty;
    }

    public static RegistryHive open(BlockDevice file, ReadBudget budget) throws IOException, StructureException {
        budget.charge(512, "a registry hive's base block");
        byte[] base = file.readFully(0, 512, "the registry hive's base block");
        if (!Bin.has(base, 0, "regf")) throw StructureException.corrupt("no registry hive (signature regf)");
        long xor = 0;
        for (int i = 0; i < 508; i += 4) xor ^= Bin.u32le(base, i);
        if (xor == 0) xor = 1;
        if (xor == 0xFFFFFFFFL) xor = 0xFFFFFFFEL;
        if (xor != Bin.u32le(base, 508)) throw StructureException.corrupt("registry hive base block: checksum mismatch");
        long major = Bin.u32le(base, 20);
        if (major != 1) throw StructureException.unsupported("registry hive format version " + major);
        long binsSize = Bin.u32le(base, 40);
        long root = Bin.u32le(base, 36);
        if (binsSize == 0 || BASE_BLOCK + binsSize > file.size() || root >= binsSize) {
            throw StructureException.corrupt("registry hive: " + binsSize + " bytes of bins, root key at " + root + ", file of " + file.size());
        }
        return new RegistryHive(file, budget, binsSize, root, Bin.u32le(base, 4) != Bin.u32le(base, 8));
    }

    /** Whether the hive was not closed cleanly (its log may hold newer data). */
    public boolean dirty() {
        return dirty;
    }

    public Key root() throws IOException, StructureException {
        return key(rootOffset);
    }

    /** The key at a backslash-separated path below the root ("Microsoft\Windows NT\CurrentVersion"), case-insensitively. */
    public Optional<Key> key(String path) throws IOException, StructureException {
        Key k = root();
        String[] parts = path.split("\\\\");
        if (parts.length > MAX_PATH_DEPTH) throw StructureException.limit("a registry path of " + parts.length + " keys");
        for (String part : parts) {
            if (part.isEmpty()) continue;
            Optional<Key> child = subkey(k, part);
            if (child.isEmpty()) return Optional.empty();
            k = child.get();
        }
        return Optional.of(k);
    }

    /**
     * The subkey {@code name} of {@code parent}. Lists with hints (lf: the name's first four
     * characters, lh: a hash of it) are filtered by the hint first, so only matching keys' cells
     * are read: a big key (Microsoft holds hundreds) costs one cell read, not hundreds.
     */
    public Optional<Key> subkey(Key parent, String name) throws IOException, StructureException {
        String wanted = name.toUpperCase(Locale.ROOT);
        for (Ref ref : subkeyRefs(parent)) {
            if (!ref.mayBe(wanted)) continue;
            Key k = key(ref.offset());
            if (k.name().toUpperCase(Locale.ROOT).equals(wanted)) return Optional.of(k);
        }
        return Optional.empty();
    }

    /** A subkey's cell offset, and what its list says of its name: an lh hash, an lf hint, or nothing (li). */
    private record Ref(long offset, char kind, long hash, String hint) {
        boolean mayBe(String upperName) {
            return switch (kind) {
                case 'h' -> hash == lhHash(upperName);
                case 'f' -> hint.chars().anyMatch(c -> c > 127) || upperName.startsWith(hint.toUpperCase(Locale.ROOT));
                default -> true;
            };
        }
    }

    /** The hash an lh list keeps: h = 37 * h + the upper-cased character, over the name. */
    static long lhHash(String upperName) {
        int h = 0;
        for (int i = 0; i < upperName.length(); i++) h = 37 * h + upperName.charAt(i);
        return h & 0xFFFFFFFFL;
    }

    public List<String> subkeyNames(Key parent, int max) throws IOException, StructureException {
        List<String> out = new ArrayList<>();
        for (Ref ref : subkeyRefs(parent)) {
            if (out.size() >= max) break;
            out.add(key(ref.offset()).name());
        }
        return out;
    }

    public Optional<Value> value(Key key, String name) throws IOException, StructureException {
        if (key.valueCount() == 0) return Optional.empty();
        if (key.valueCount() > MAX_VALUES) throw StructureException.limit("key " + key.name() + " has " + key.valueCount() + " values");
        byte[] list = cell(key.valueList(), "the value list of " + key.name());
        for (int i = 0; i < key.valueCount(); i++) {
            long offset = Bin.u32le(list, i * 4);
            byte[] vk = cell(offset, "a value of " + key.name());
            if (!Bin.has(vk, 0, "vk")) throw StructureException.corrupt("registry: value cell at " + offset + " has no signature vk");
            int nameLength = Bin.u16le(vk, 2);
            int flags = Bin.u16le(vk, 16);
            String vname = (flags & 1) != 0 ? Bin.latin1(vk, 20, nameLength) : Bin.utf16le(vk, 20, nameLength / 2);
            if (!vname.equalsIgnoreCase(name)) continue;
            return Optional.of(new Value(vname, (int) Bin.u32le(vk, 12), valueData(vk)));
        }
        return Optional.empty();
    }

    private byte[] valueData(byte[] vk) throws IOException, StructureException {
        long size = Bin.u32le(vk, 4);
        long offset = Bin.u32le(vk, 8);
        if ((size & 0x80000000L) != 0) {
            int n = (int) Math.min(4, size & 0x7FFFFFFFL);
            return Bin.slice(vk, 8, n);
        }
        if (size > MAX_VALUE_DATA) throw StructureException.limit("a registry value of " + size + " bytes");
        byte[] cell = cell(offset, "value data");
        if (size <= cell.length) return Bin.slice(cell, 0, (int) size);
        if (!Bin.has(cell, 0, "db")) throw StructureException.corrupt("registry: " + size + " bytes of value data in a cell of " + cell.length);
        // Big data: a list of segments of up to 16344 bytes each.
        int segments = Bin.u16le(cell, 2);
        byte[] list = cell(Bin.u32le(cell, 4), "a big value's segment list");
        byte[] out = new byte[(int) size];
        int done = 0;
        for (int i = 0; i < segments && done < size; i++) {
            byte[] seg = cell(Bin.u32le(list, i * 4), "a big value's segment");
            int n = (int) Math.min(Math.min(seg.length, 16344), size - done);
            System.arraycopy(seg, 0, out, done, n);
            done += n;
        }
        if (done < size) throw StructureException.corrupt("registry: a big value's segments hold " + done + " of " + size + " bytes");
        return out;
    }

    private Key key(long offset) throws IOException, StructureException {
        byte[] nk = cell(offset, "a key");
        if (!Bin.has(nk, 0, "nk")) throw StructureException.corrupt("registry: key cell at " + offset + " has no signature nk");
        int flags = Bin.u16le(nk, 2);
        int nameLength = Bin.u16le(nk, 72);
        String name = (flags & 0x20) != 0 ? Bin.latin1(nk, 76, nameLength) : Bin.utf16le(nk, 76, nameLength / 2);
        return new Key(offset, name, Bin.u32le(nk, 20), Bin.u32le(nk, 28), Bin.u32le(nk, 36), Bin.u32le(nk, 40));
    }

    private List<Ref> subkeyRefs(Key parent) throws IOException, StructureException {
        if (parent.subkeyCount() == 0) return List.of();
        if (parent.subkeyCount() > MAX_SUBKEYS) throw StructureException.limit("key " + parent.name() + " has " + parent.subkeyCount() + " subkeys");
        List<Ref> out = new ArrayList<>();
        list(parent.subkeyList(), true, out, parent);
        return out;
    }

    private void list(long offset, boolean indirectAllowed, List<Ref> out, Key parent) throws IOException, StructureException {
        byte[] l = cell(offset, "the subkey list of " + parent.name());
        int count = Bin.u16le(l, 2);
        if (Bin.has(l, 0, "lh")) {
            for (int i = 0; i < count; i++) add(out, new Ref(Bin.u32le(l, 4 + i * 8), 'h', Bin.u32le(l, 8 + i * 8), ""), parent);
        } else if (Bin.has(l, 0, "lf")) {
            for (int i = 0; i < count; i++) add(out, new Ref(Bin.u32le(l, 4 + i * 8), 'f', 0, Bin.latin1(l, 8 + i * 8, 4)), parent);
        } else if (Bin.has(l, 0, "li")) {
            for (int i = 0; i < count; i++) add(out, new Ref(Bin.u32le(l, 4 + i * 4), 'i', 0, ""), parent);
        } else if (Bin.has(l, 0, "ri") && indirectAllowed) {
            for (int i = 0; i < count; i++) list(Bin.u32le(l, 4 + i * 4), false, out, parent);
        } else {
            throw StructureException.corrupt("registry: the subkey list of " + parent.name() + " has an unknown signature");
        }
    }

    private static void add(List<Ref> out, Ref ref, Key parent) throws StructureException {
        if (out.size() >= MAX_SUBKEYS) throw StructureException.limit("key " + parent.name() + " lists more than " + MAX_SUBKEYS + " subkeys");
        out.add(ref);
    }

    /** The data of the cell at {@code offset} (after its 4-byte size); the cell must be allocated and inside the bins. */
    private byte[] cell(long offset, String what) throws IOException, StructureException {
        if (offset < 0 || offset + 4 > binsSize) throw StructureException.corrupt("registry: " + what + " at cell offset " + offset + ", outside the hive");
        budget.charge(4, what);
        byte[] head = file.readFully(BASE_BLOCK + offset, 4, what);
        int size = (int) Bin.u32le(head, 0);
        if (size >= 0) throw StructureException.corrupt("registry: " + what + " points to a free cell at " + offset);
        long length = -(long) size;
        if (length < 8 || length > MAX_CELL || offset + length > binsSize) {
            throw StructureException.corrupt("registry: " + what + " is a cell of " + length + " bytes at " + offset);
        }
        budget.charge(length - 4, what);
        return file.readFully(BASE_BLOCK + offset + 4, (int) length - 4, what);
    }
}
