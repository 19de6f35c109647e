package dev.vm2ami.sampleimages;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes LVM2's on-disk format, as pvcreate/vgcreate/lvcreate do: the label in sector 1 with the
 * PV header, one metadata area at 4 KiB (its header and the text metadata in its circular buffer,
 * CRCs as LVM computes them), and extents from 1 MiB. LVM's own tools read what it writes (see
 * LvmTest). Logical volumes are lists of segments, each a run of extents on one PV, or a type
 * vm2ami does not read.
 */
public final class LvmBuilder {
    public static final long PE_START = 1L << 20;
    private static final long MDA_START = 4096;
    private static final long MDA_SIZE = PE_START - MDA_START;

    public record Pv(String name, String uuid, long size) {
        public long peCount(long extentBytes) {
            return (size - PE_START) / extentBytes;
        }
    }

    /** {@code extents} extents at extent {@code pe} of PV {@code pv} ("thin" and others: a segment of that type). */
    public record Segment(String pv, long pe, long extents, String type) {
        public static Segment linear(String pv, long pe, long extents) {
            return new Segment(pv, pe, extents, "striped");
        }
    }

    private final String vg;
    private final long extentBytes;
    private final Random random;
    private final Map<String, Pv> pvs = new LinkedHashMap<>();
    private final Map<String, List<Segment>> lvs = new LinkedHashMap<>();
    private final Map<String, String> lvIds = new LinkedHashMap<>();
    private final String vgId;
    private long seqno = 1;
    private long textOffset = 512;

    public LvmBuilder(String vg, long extentBytes, long seed) {
        this.vg = vg;
        this.extentBytes = extentBytes;
        this.random = new Random(seed);
        this.vgId = dashed(uuid());
    }

    public Pv pv(String name, long size) {
        Pv pv = new Pv(name, uuid(), size);
        pvs.put(name, pv);
        return pv;
    }

    public LvmBuilder lv(String name, Segment... segments) {
        lvs.put(name, List.of(segments));
        lvIds.put(name, dashed(uuid()));
        return this;
    }

    public LvmBuilder seqno(long n) {
        this.seqno = n;
        return this;
    }

    /** Puts the metadata text at this offset of the metadata area; near its end, the text wraps around to just after the header. */
    public LvmBuilder textAt(long offset) {
        this.textOffset = offset;
        return this;
    }

    public long extentBytes() {
        return extentBytes;
    }

    /** Where byte {@code at} of logical volume {@code lv} lies on its PV: {pv index in creation order, byte offset}. */
    public long pvOffset(String lv, long at) {
        long lvExtent = at / extentBytes;
        long seen = 0;
        for (Segment s : lvs.get(lv)) {
            if (lvExtent < seen + s.extents()) return PE_START + (s.pe() + lvExtent - seen) * extentBytes + at % extentBytes;
            seen += s.extents();
        }
        throw new IllegalArgumentException(lv + " has no byte " + at);
    }

    /** The PV that holds byte {@code at} of {@code lv}. */
    public String pvOf(String lv, long at) {
        long lvExtent = at / extentBytes;
        long seen = 0;
        for (Segment s : lvs.get(lv)) {
            if (lvExtent < seen + s.extents()) return s.pv();
            seen += s.extents();
        }
        throw new IllegalArgumentException(lv + " has no byte " + at);
    }

    /** The text metadata, as LVM writes it into every PV's metadata area. */
    public String metadata() {
        StringBuilder t = new StringBuilder();
        t.append(vg).append(" {\nid = \"").append(vgId).append("\"\nseqno = ").append(seqno)
                .append("\nformat = \"lvm2\"\nstatus = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\nflags = []\nextent_size = ")
                .append(extentBytes / 512).append("\nmax_lv = 0\nmax_pv = 0\nmetadata_copies = 0\n\nphysical_volumes {\n");
        for (Pv pv : pvs.values()) {
            t.append("\n").append(pv.name()).append(" {\nid = \"").append(dashed(pv.uuid())).append("\"\ndevice = \"/dev/").append(pv.name())
                    .append("\"\n\nstatus = [\"ALLOCATABLE\"]\nflags = []\ndev_size = ").append(pv.size() / 512)
                    .append("\npe_start = ").append(PE_START / 512).append("\npe_count = ").append(pv.peCount(extentBytes)).append("\n}\n");
        }
        t.append("}\n\nlogical_volumes {\n");
        for (Map.Entry<String, List<Segment>> lv : lvs.entrySet()) {
            t.append("\n").append(lv.getKey()).append(" {\nid = \"").append(lvIds.get(lv.getKey())).append("\"\nstatus = [\"READ\", \"WRITE\", \"VISIBLE\"]\nflags = []\n")
                    .append("creation_time = 1700000000\ncreation_host = \"builder\"\nsegment_count = ").append(lv.getValue().size()).append("\n");
            long start = 0;
            int n = 1;
            for (Segment s : lv.getValue()) {
                t.append("\nsegment").append(n++).append(" {\nstart_extent = ").append(start).append("\nextent_count = ").append(s.extents())
                        .append("\n\ntype = \"").append(s.type()).append("\"\n");
                if (s.type().equals("striped")) t.append("stripe_count = 1\n\nstripes = [\n\"").append(s.pv()).append("\", ").append(s.pe()).append("\n]\n");
                else t.append("thin_pool = \"pool\"\ntransaction_id = 1\ndevice_id = 1\n");
                t.append("}\n");
                start += s.extents();
            }
            t.append("}\n");
        }
        t.append("}\n}\n# Generated by vm2ami's LvmBuilder\n\ncontents = \"Text Format Volume Group\"\nversion = 1\n\n")
                .append("description = \"\"\n\ncreation_host = \"builder\"\ncreation_time = 1700000000\n\n");
        return t.toString();
    }

    /** The first {@link #PE_START} bytes of PV {@code name}: label, PV header, metadata area. */
    public byte[] header(String name) {
        Pv pv = pvs.get(name);
        ByteBuffer b = ByteBuffer.allocate((int) PE_START).order(ByteOrder.LITTLE_ENDIAN);
        int label = 512;
        b.put(label, ascii("LABELONE")).putLong(label + 8, 1).putInt(label + 20, 32).put(label + 24, ascii("LVM2 001"));
        int p = label + 32;
        b.put(p, ascii(pv.uuid())).putLong(p + 32, pv.size());
        p += 40;
        b.putLong(p, PE_START).putLong(p + 8, 0);     // data area from pe_start, to the end
        p += 32;                                     // and its terminator
        b.putLong(p, MDA_START).putLong(p + 8, MDA_SIZE);
        p += 32;
        b.putInt(p, 2).putInt(p + 4, 1);              // pv_header_extension: version 2, in use
        b.putInt(label + 16, (int) crc(b.array(), label + 20, 512 - 20));

        byte[] text = (metadata() + "\0").getBytes(StandardCharsets.UTF_8);
        int mda = (int) MDA_START;
        b.putInt(mda + 20, 1).putLong(mda + 24, MDA_START).putLong(mda + 32, MDA_SIZE);
        b.put(mda + 4, ascii(" LVM2 x[5A%r0N*>"));
        b.putLong(mda + 40, textOffset).putLong(mda + 48, text.length).putInt(mda + 56, (int) crc(text, 0, text.length)).putInt(mda + 60, 0);
        int first = (int) Math.min(text.length, MDA_SIZE - textOffset);
        b.put((int) (mda + textOffset), text, 0, first);
        if (first < text.length) b.put(mda + 512, text, first, text.length - first);
        b.putInt(mda, (int) crc(b.array(), mda + 4, 512 - 4));
        return b.array();
    }

    /** LVM2's CRC-32: initial value 0xf597a6cf, no final inversion. */
    public static long crc(byte[] d, int offset, int length) {
        long crc = 0xf597a6cfL;
        for (int i = offset; i < offset + length; i++) {
            crc ^= d[i] & 0xFF;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xEDB88320L : crc >>> 1;
        }
        return crc & 0xFFFFFFFFL;
    }

    private String uuid() {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 32; i++) s.append(chars.charAt(random.nextInt(chars.length())));
        return s.toString();
    }

    private static String dashed(String u) {
        return u.substring(0, 6) + "-" + u.substring(6, 10) + "-" + u.substring(10, 14) + "-" + u.substring(14, 18) + "-"
                + u.substring(18, 22) + "-" + u.substring(22, 26) + "-" + u.substring(26);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public List<String> pvNames() {
        return new ArrayList<>(pvs.keySet());
    }
}
