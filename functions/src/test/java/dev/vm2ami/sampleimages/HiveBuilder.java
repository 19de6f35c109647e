package dev.vm2ami.sampleimages;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a Windows registry hive ("regf", version 1.5): a base block with its checksum, one hive
 * bin holding key (nk), subkey list, value list and value (vk) cells, with resident, inline and
 * big ("db") value data. Subkey lists are lf, lh, li, or ri over lh, as asked. hivexget
 * (libhivex-bin) reads what it writes.
 */
public final class HiveBuilder {
    public enum ListKind { LF, LH, LI, RI }

    private final Node root = new Node("ROOT");
    private ListKind listKind = ListKind.LH;

    private static final class Node {
        final String name;
        final Map<String, Node> children = new LinkedHashMap<>();
        final List<Object[]> values = new ArrayList<>(); // name, type, data
        int offset;

        Node(String name) {
            this.name = name;
        }
    }

    public HiveBuilder lists(ListKind kind) {
        this.listKind = kind;
        return this;
    }

    /** The key at a backslash-separated path, created with its parents. */
    public Key key(String path) {
        Node n = root;
        for (String part : path.split("\\\\")) {
            if (part.isEmpty()) continue;
            n = n.children.computeIfAbsent(part, Node::new);
        }
        return new Key(n);
    }

    public final class Key {
        private final Node node;

        private Key(Node node) {
            this.node = node;
        }

        public Key string(String name, String value) {
            node.values.add(new Object[]{name, 1, (value + "\0").getBytes(StandardCharsets.UTF_16LE)});
            return this;
        }

        public Key dword(String name, long value) {
            node.values.add(new Object[]{name, 4, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array()});
            return this;
        }

        public Key binary(String name, byte[] value) {
            node.values.add(new Object[]{name, 3, value.clone()});
            return this;
        }

        public HiveBuilder done() {
            return HiveBuilder.this;
        }
    }

    // --- writing ----------------------------------------------------------------------------------

    private final ByteArrayOutputStream cells = new ByteArrayOutputStream();

    /** Appends an allocated cell (negative size, 8-byte aligned) and returns its offset from the first bin. */
    private int cell(byte[] data) {
        int size = (data.length + 4 + 7) & ~7;
        int offset = 32 + cells.size(); // after the hbin header
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, -size);
        b.put(4, data);
        cells.writeBytes(b.array());
        return offset;
    }

    private int key(Node n, int parent, boolean isRoot) {
        // Children first, so their offsets are known; then the lists; the key cell last would break
        // parent links, so the key is written with a placeholder and patched.
        int self = cell(new byte[76 + n.name.length()]);
        List<Integer> children = new ArrayList<>();
        List<Node> sorted = new ArrayList<>(n.children.values());
        sorted.sort((a, b) -> a.name.toUpperCase(Locale.ROOT).compareTo(b.name.toUpperCase(Locale.ROOT)));
        for (Node c : sorted) children.add(key(c, self, false));
        int subkeyList = children.isEmpty() ? -1 : subkeyList(sorted, children);
        int valueList = -1;
        if (!n.values.isEmpty()) {
            ByteBuffer list = ByteBuffer.allocate(4 * n.values.size()).order(ByteOrder.LITTLE_ENDIAN);
            for (Object[] v : n.values) list.putInt(value((String) v[0], (Integer) v[1], (byte[]) v[2]));
            valueList = cell(list.array());
        }
        ByteBuffer nk = ByteBuffer.allocate(76 + n.name.length()).order(ByteOrder.LITTLE_ENDIAN);
        nk.put(0, "nk".getBytes(StandardCharsets.US_ASCII));
        nk.putShort(2, (short) (isRoot ? 0x2C : 0x20));
        nk.putInt(16, parent);
        nk.putInt(20, children.size());
        nk.putInt(28, subkeyList);
        nk.putInt(32, -1);
        nk.putInt(36, n.values.size());
        nk.putInt(40, valueList);
        nk.putInt(44, -1);
        nk.putInt(48, -1);
        nk.putShort(72, (short) n.name.length());
        nk.put(76, n.name.getBytes(StandardCharsets.ISO_8859_1));
        patch(self, nk.array());
        return self;
    }

    private void patch(int offset, byte[] data) {
        byte[] all = cells.toByteArray();
        System.arraycopy(data, 0, all, offset - 32 + 4, data.length);
        cells.reset();
        cells.writeBytes(all);
    }

    private int subkeyList(List<Node> children, List<Integer> offsets) {
        return switch (listKind) {
            case LF, LH -> hashList(listKind == ListKind.LF ? "lf" : "lh", children, offsets);
            case LI -> {
                ByteBuffer b = ByteBuffer.allocate(4 + 4 * offsets.size()).order(ByteOrder.LITTLE_ENDIAN);
                b.put(0, "li".getBytes(StandardCharsets.US_ASCII)).putShort(2, (short) offsets.size());
                for (int i = 0; i < offsets.size(); i++) b.putInt(4 + 4 * i, offsets.get(i));
                yield cell(b.array());
            }
            case RI -> {
                int half = (offsets.size() + 1) / 2;
                List<Integer> parts = new ArrayList<>();
                parts.add(hashList("lh", children.subList(0, half), offsets.subList(0, half)));
                if (half < offsets.size()) parts.add(hashList("lh", children.subList(half, children.size()), offsets.subList(half, offsets.size())));
                ByteBuffer b = ByteBuffer.allocate(4 + 4 * parts.size()).order(ByteOrder.LITTLE_ENDIAN);
                b.put(0, "ri".getBytes(StandardCharsets.US_ASCII)).putShort(2, (short) parts.size());
                for (int i = 0; i < parts.size(); i++) b.putInt(4 + 4 * i, parts.get(i));
                yield cell(b.array());
            }
        };
    }

    private int hashList(String sig, List<Node> children, List<Integer> offsets) {
        ByteBuffer b = ByteBuffer.allocate(4 + 8 * offsets.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, sig.getBytes(StandardCharsets.US_ASCII)).putShort(2, (short) offsets.size());
        for (int i = 0; i < offsets.size(); i++) {
            b.putInt(4 + 8 * i, offsets.get(i));
            String name = children.get(i).name;
            if (sig.equals("lh")) {
                int h = 0;
                for (char c : name.toUpperCase(Locale.ROOT).toCharArray()) h = h * 37 + c;
                b.putInt(8 + 8 * i, h);
            } else {
                byte[] hint = new byte[4];
                byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
                System.arraycopy(n, 0, hint, 0, Math.min(4, n.length));
                b.put(8 + 8 * i, hint);
            }
        }
        return cell(b.array());
    }

    private int value(String name, int type, byte[] data) {
        ByteBuffer vk = ByteBuffer.allocate(20 + name.length()).order(ByteOrder.LITTLE_ENDIAN);
        vk.put(0, "vk".getBytes(StandardCharsets.US_ASCII));
        vk.putShort(2, (short) name.length());
        if (data.length <= 4) {
            vk.putInt(4, 0x80000000 | data.length);
            vk.put(8, java.util.Arrays.copyOf(data, 4));
        } else if (data.length <= 16344) {
            vk.putInt(4, data.length);
            vk.putInt(8, cell(data));
        } else {
            vk.putInt(4, data.length);
            vk.putInt(8, bigData(data));
        }
        vk.putInt(12, type);
        vk.putShort(16, (short) 1);
        vk.put(20, name.getBytes(StandardCharsets.ISO_8859_1));
        return cell(vk.array());
    }

    private int bigData(byte[] data) {
        List<Integer> segments = new ArrayList<>();
        for (int at = 0; at < data.length; at += 16344) {
            segments.add(cell(java.util.Arrays.copyOfRange(data, at, Math.min(data.length, at + 16344))));
        }
        ByteBuffer list = ByteBuffer.allocate(4 * segments.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int s : segments) list.putInt(s);
        int listCell = cell(list.array());
        ByteBuffer db = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        db.put(0, "db".getBytes(StandardCharsets.US_ASCII)).putShort(2, (short) segments.size()).putInt(4, listCell);
        return cell(db.array());
    }

    public byte[] build() {
        cells.reset();
        int rootOffset = key(root, -1, true);
        int used = 32 + cells.size();
        int binSize = (used + 4095) & ~4095;
        ByteBuffer bin = ByteBuffer.allocate(binSize).order(ByteOrder.LITTLE_ENDIAN);
        bin.put(0, "hbin".getBytes(StandardCharsets.US_ASCII));
        bin.putInt(4, 0);
        bin.putInt(8, binSize);
        bin.put(32, cells.toByteArray());
        if (binSize > used) bin.putInt(used, binSize - used); // the rest is one free cell
        ByteBuffer base = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        base.put(0, "regf".getBytes(StandardCharsets.US_ASCII));
        base.putInt(4, 1).putInt(8, 1);
        base.putInt(20, 1).putInt(24, 5).putInt(28, 0).putInt(32, 1);
        base.putInt(36, rootOffset);
        base.putInt(40, binSize);
        base.putInt(44, 1);
        int xor = 0;
        for (int i = 0; i < 508; i += 4) xor ^= base.getInt(i);
        if (xor == 0) xor = 1;
        if (xor == -1) xor = -2;
        base.putInt(508, xor);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(base.array());
        out.writeBytes(bin.array());
        return out.toByteArray();
    }

    /** A SOFTWARE hive as Windows Server 2022 has it, as far as OS inspection reads it. */
    public static byte[] windowsSoftware(String productName, String build, String edition, String installationType) {
        return new HiveBuilder().key("Microsoft\\Windows NT\\CurrentVersion")
                .string("ProductName", productName).string("CurrentBuild", build).string("CurrentBuildNumber", build)
                .string("EditionID", edition).string("InstallationType", installationType).string("CurrentVersion", "6.3")
                .dword("CurrentMajorVersionNumber", 10).dword("CurrentMinorVersionNumber", 0).done()
                .key("Microsoft\\Windows\\CurrentVersion").string("ProgramFilesDir", "C:\\Program Files").done()
                .build();
    }
}
