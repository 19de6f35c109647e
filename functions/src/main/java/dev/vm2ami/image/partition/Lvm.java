package dev.vm2ami.image.partition;

import dev.vm2ami.image.read.Bin;
import dev.vm2ami.image.read.BlockDevice;
import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.read.StructureException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * LVM2, read-only and without device-mapper: finds the physical-volume label in the first four
 * sectors, reads the volume group's text metadata from the PV's metadata area (checksums
 * checked, the circular buffer's wrap followed), and maps each logical volume's segments onto
 * the physical volumes found, so a logical volume reads like a partition.
 *
 * <p>Supported segment types: linear and striped ({@code type = "striped"}), and {@code zero}.
 * Not supported (reported per logical volume): thin, snapshots, mirror and RAID, cache, VDO.
 * Layout: LVM2's lib/format_text (label, pv_header, mda_header, raw_locn).
 */
public final class Lvm {
    static final String LABEL = "LABELONE";
    static final String TYPE = "LVM2 001";
    static final String MDA_MAGIC = " LVM2 x[5A%r0N*>";
    static final int SECTOR = 512;
    static final long INITIAL_CRC = 0xf597a6cfL;
    private static final int MAX_AREAS = 8;
    private static final int MAX_SEGMENTS = 4096;
    private static final int MAX_LVS = 1024;

    private Lvm() {}

    /** What one physical volume says about itself and its volume group. */
    public record PhysicalVolume(String uuid, long deviceSize, BlockDevice device, Optional<LvmMetadata.Section> metadata) {
    }

    /** A logical volume, readable as {@code device} when all its segments could be mapped, else why not. */
    public record LogicalVolume(String vg, String name, String uuid, boolean visible, long size, Optional<BlockDevice> device,
                                Optional<String> problem) {
        /** The name the kernel gives it under /dev/mapper (dashes in names doubled). */
        public String mapperName() {
            return vg.replace("-", "--") + "-" + name.replace("-", "--");
        }
    }

    public record VolumeGroup(String name, String uuid, long seqno, long extentBytes, List<String> missingPvs, List<LogicalVolume> lvs) {
        public VolumeGroup {
            missingPvs = List.copyOf(missingPvs);
            lvs = List.copyOf(lvs);
        }
    }

    /** Whether the first sectors carry an LVM2 label. */
    public static boolean detect(byte[] first) {
        for (int s = 0; s < 4; s++) {
            if (Bin.has(first, s * SECTOR, LABEL) && Bin.has(first, s * SECTOR + 24, TYPE)) return true;
        }
        return false;
    }

    /** The physical volume on {@code device}; empty when it has no LVM2 label. */
    public static Optional<PhysicalVolume> read(BlockDevice device, ReadBudget budget) throws IOException, StructureException {
        budget.charge(4 * SECTOR, "the LVM label");
        byte[] head = device.read(0, 4 * SECTOR);
        int at = -1;
        for (int s = 0; s < 4; s++) {
            if (Bin.has(head, s * SECTOR, LABEL) && Bin.has(head, s * SECTOR + 24, TYPE)) {
                at = s * SECTOR;
                break;
            }
        }
        if (at < 0) return Optional.empty();
        byte[] label = Bin.slice(head, at, SECTOR);
        if (Bin.u64le(label, 8) != at / SECTOR) throw StructureException.corrupt("LVM label in sector " + at / SECTOR + " says it is in sector " + Bin.u64le(label, 8));
        if (crc(INITIAL_CRC, label, 20, SECTOR - 20) != Bin.u32le(label, 16)) throw StructureException.corrupt("LVM label: checksum mismatch");
        int headerAt = (int) Bin.u32le(label, 20);
        if (headerAt < 32 || headerAt >= SECTOR) throw StructureException.corrupt("LVM label: PV header at byte " + headerAt);
        byte[] pvh = label;
        int p = headerAt;
        String uuid = new String(Bin.slice(pvh, p, 32), StandardCharsets.ISO_8859_1);
        long deviceSize = Bin.u64le(pvh, p + 32);
        p += 40;
        p = skipAreas(pvh, p); // data areas: where extents start comes from the metadata's pe_start
        List<long[]> mdas = new ArrayList<>();
        for (int i = 0; i < MAX_AREAS && p + 16 <= pvh.length; i++, p += 16) {
            long offset = Bin.u64le(pvh, p);
            long size = Bin.u64le(pvh, p + 8);
            if (offset == 0 && size == 0) break;
            mdas.add(new long[]{offset, size});
        }
        Optional<LvmMetadata.Section> metadata = Optional.empty();
        for (long[] mda : mdas) {
            metadata = metadata(device, budget, mda[0], mda[1]);
            if (metadata.isPresent()) break;
        }
        return Optional.of(new PhysicalVolume(uuid, deviceSize, device, metadata));
    }

    private static int skipAreas(byte[] d, int p) throws StructureException {
        for (int i = 0; i < MAX_AREAS; i++, p += 16) {
            if (Bin.u64le(d, p) == 0 && Bin.u64le(d, p + 8) == 0) return p + 16;
        }
        throw StructureException.corrupt("LVM PV header: more than " + MAX_AREAS + " data areas");
    }

    /** The current metadata in the area at {@code offset}: the first raw location not flagged ignored. */
    private static Optional<LvmMetadata.Section> metadata(BlockDevice device, ReadBudget budget, long offset, long size)
            throws IOException, StructureException {
        budget.charge(SECTOR, "an LVM metadata area header");
        byte[] h = device.readFully(offset, SECTOR, "the LVM metadata area header");
        if (!Bin.has(h, 4, MDA_MAGIC)) throw StructureException.corrupt("LVM metadata area at byte " + offset + " has no magic");
        if (crc(INITIAL_CRC, h, 4, SECTOR - 4) != Bin.u32le(h, 0)) throw StructureException.corrupt("LVM metadata area header: checksum mismatch");
        long start = Bin.u64le(h, 24);
        long areaSize = Bin.u64le(h, 32);
        if (start != offset || areaSize > size || areaSize <= SECTOR) {
            throw StructureException.corrupt("LVM metadata area header: start " + start + ", size " + areaSize + " (expected " + offset + ", " + size + ")");
        }
        for (int r = 40; r + 24 <= SECTOR; r += 24) {
            long textOffset = Bin.u64le(h, r);
            long textSize = Bin.u64le(h, r + 8);
            long checksum = Bin.u32le(h, r + 16);
            long flags = Bin.u32le(h, r + 20);
            if (textOffset == 0 && textSize == 0) break;
            if ((flags & 1) != 0) continue;
            if (textOffset < SECTOR || textOffset >= areaSize || textSize > Math.min(areaSize - SECTOR, LvmMetadata.MAX_TEXT)) {
                throw StructureException.corrupt("LVM metadata of " + textSize + " bytes at " + textOffset + " in an area of " + areaSize);
            }
            // A circular buffer after the header: text that reaches the end continues just after the header.
            int first = (int) Math.min(textSize, areaSize - textOffset);
            budget.charge(textSize, "LVM metadata");
            byte[] text = new byte[(int) textSize];
            System.arraycopy(device.readFully(offset + textOffset, first, "LVM metadata"), 0, text, 0, first);
            if (first < textSize) {
                System.arraycopy(device.readFully(offset + SECTOR, (int) textSize - first, "LVM metadata (wrapped)"), 0, text, first, (int) textSize - first);
            }
            if (crc(INITIAL_CRC, text, 0, text.length) != checksum) throw StructureException.corrupt("LVM metadata text: checksum mismatch");
            return Optional.of(LvmMetadata.parse(new String(text, StandardCharsets.UTF_8)));
        }
        return Optional.empty();
    }

    /**
     * The volume groups the physical volumes among {@code devices} belong to, each from its newest
     * metadata (highest seqno), with its logical volumes mapped onto the PVs present.
     */
    public static List<VolumeGroup> assemble(List<PhysicalVolume> pvs) throws StructureException {
        Map<String, LvmMetadata.Section> newest = new LinkedHashMap<>();
        for (PhysicalVolume pv : pvs) {
            if (pv.metadata().isEmpty()) continue;
            LvmMetadata.Section vg = vgSection(pv.metadata().get());
            String id = vg.string("id").orElse(vg.name());
            LvmMetadata.Section known = newest.get(id);
            if (known == null || vg.number("seqno").orElse(0L) > known.number("seqno").orElse(0L)) newest.put(id, vg);
        }
        Map<String, PhysicalVolume> byUuid = new LinkedHashMap<>();
        for (PhysicalVolume pv : pvs) byUuid.put(plain(pv.uuid()), pv);
        List<VolumeGroup> out = new ArrayList<>();
        for (LvmMetadata.Section vg : newest.values()) out.add(group(vg, byUuid));
        return out;
    }

    private static LvmMetadata.Section vgSection(LvmMetadata.Section root) throws StructureException {
        for (LvmMetadata.Section s : root.sections().values()) {
            if (s.section("physical_volumes").isPresent()) return s;
        }
        throw StructureException.corrupt("LVM metadata names no volume group");
    }

    private static VolumeGroup group(LvmMetadata.Section vg, Map<String, PhysicalVolume> byUuid) throws StructureException {
        long extentSectors = vg.required("extent_size");
        if (extentSectors <= 0 || extentSectors > 1L << 32) throw StructureException.corrupt("volume group " + vg.name() + ": extent size " + extentSectors);
        long extentBytes = extentSectors * SECTOR;
        record Pv(Optional<PhysicalVolume> pv, long peStart, long peCount) {
        }
        Map<String, Pv> pvs = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (LvmMetadata.Section p : vg.section("physical_volumes").orElseThrow().sections().values()) {
            String id = p.string("id").orElseThrow(() -> StructureException.corrupt("volume group " + vg.name() + ": PV " + p.name() + " without id"));
            Optional<PhysicalVolume> found = Optional.ofNullable(byUuid.get(plain(id)));
            if (found.isEmpty()) missing.add(id);
            pvs.put(p.name(), new Pv(found, p.required("pe_start") * SECTOR, p.required("pe_count")));
        }
        List<LogicalVolume> lvs = new ArrayList<>();
        Optional<LvmMetadata.Section> lvSection = vg.section("logical_volumes");
        for (LvmMetadata.Section lv : lvSection.map(s -> s.sections().values()).orElse(List.of())) {
            if (lvs.size() >= MAX_LVS) throw StructureException.limit("volume group " + vg.name() + " has more than " + MAX_LVS + " logical volumes");
            boolean visible = lv.list("status").contains("VISIBLE");
            List<Segment> segments = new ArrayList<>();
            String problem = null;
            for (LvmMetadata.Section seg : lv.sections().values()) {
                if (!seg.name().startsWith("segment")) continue;
                if (segments.size() >= MAX_SEGMENTS) throw StructureException.limit("logical volume " + lv.name() + " has more than " + MAX_SEGMENTS + " segments");
                String type = seg.string("type").orElse("");
                long start = seg.required("start_extent");
                long count = seg.required("extent_count");
                if (start < 0 || count <= 0 || start > Long.MAX_VALUE / extentBytes - count) {
                    throw StructureException.corrupt("logical volume " + lv.name() + ": segment at extent " + start + " of " + count + " extents");
                }
                if (type.equals("zero")) {
                    segments.add(new Segment(start * extentBytes, count * extentBytes, List.of(), 0));
                    continue;
                }
                if (!type.equals("striped")) {
                    if (problem == null) problem = "its segment type '" + type + "' is not read by vm2ami (linear and striped are)";
                    continue;
                }
                List<?> stripes = seg.list("stripes");
                long stripeCount = seg.number("stripe_count").orElse(1L);
                if (stripeCount < 1 || stripes.size() != 2 * stripeCount) {
                    throw StructureException.corrupt("logical volume " + lv.name() + ": " + stripeCount + " stripes but " + stripes.size() / 2 + " listed");
                }
                long stripeBytes = stripeCount > 1 ? seg.required("stripe_size") * SECTOR : extentBytes;
                if (stripeBytes <= 0 || count % stripeCount != 0) throw StructureException.corrupt("logical volume " + lv.name() + ": stripes of " + stripeBytes + " bytes");
                List<Area> areas = new ArrayList<>();
                for (int i = 0; i < stripes.size(); i += 2) {
                    if (!(stripes.get(i) instanceof String pvName) || !(stripes.get(i + 1) instanceof Long pe)) {
                        throw StructureException.corrupt("logical volume " + lv.name() + ": a stripe is not a PV name and an extent");
                    }
                    Pv pv = pvs.get(pvName);
                    if (pv == null) throw StructureException.corrupt("logical volume " + lv.name() + " names PV " + pvName + ", which the volume group does not list");
                    if (pe < 0 || pe + count / stripeCount > pv.peCount()) {
                        throw StructureException.corrupt("logical volume " + lv.name() + ": extents " + pe + "+" + count / stripeCount + " of " + pvName + ", which has " + pv.peCount());
                    }
                    if (pv.pv().isEmpty()) {
                        if (problem == null) problem = "its physical volume " + pvName + " is not on this disk";
                        continue;
                    }
                    areas.add(new Area(pv.pv().get().device(), pv.peStart() + pe * extentBytes));
                }
                segments.add(new Segment(start * extentBytes, count * extentBytes, areas, stripeBytes));
            }
            segments.sort(Comparator.comparingLong(Segment::start));
            long size = 0;
            for (Segment s : segments) {
                if (s.start() != size) throw StructureException.corrupt("logical volume " + lv.name() + ": its segments leave a gap or overlap at byte " + s.start());
                size += s.length();
            }
            if (segments.isEmpty() && problem == null) problem = "it has no segments";
            Optional<BlockDevice> device = problem == null ? Optional.of(new LvDevice(vg.name() + "/" + lv.name(), size, segments)) : Optional.empty();
            lvs.add(new LogicalVolume(vg.name(), lv.name(), lv.string("id").orElse(""), visible, size, device, Optional.ofNullable(problem)));
        }
        return new VolumeGroup(vg.name(), vg.string("id").orElse(""), vg.number("seqno").orElse(0L), extentBytes, missing, lvs);
    }

    private static String plain(String uuid) {
        return uuid.replace("-", "");
    }

    private record Area(BlockDevice device, long offset) {
    }

    /** {@code length} bytes of the LV from {@code start}: spread over the areas in stripes ({@code zero}: no areas). */
    private record Segment(long start, long length, List<Area> areas, long stripeBytes) {
    }

    /** A logical volume as a device: each read split at segment and stripe boundaries. */
    private record LvDevice(String name, long size, List<Segment> segments) implements BlockDevice {
        @Override
        public byte[] read(long offset, int length) throws IOException, StructureException {
            if (offset < 0 || offset >= size || length <= 0) return new byte[0];
            byte[] out = new byte[(int) Math.min(length, size - offset)];
            int done = 0;
            while (done < out.length) {
                long pos = offset + done;
                Segment s = segmentAt(pos);
                long within = pos - s.start();
                int n = (int) Math.min(out.length - done, s.start() + s.length() - pos);
                if (!s.areas().isEmpty()) {
                    int stripes = s.areas().size();
                    long chunk = within / s.stripeBytes();
                    long inChunk = within % s.stripeBytes();
                    Area a = s.areas().get((int) (chunk % stripes));
                    n = (int) Math.min(n, s.stripeBytes() - inChunk);
                    long at = a.offset() + (chunk / stripes) * s.stripeBytes() + inChunk;
                    byte[] data = a.device().readFully(at, n, "logical volume " + name);
                    System.arraycopy(data, 0, out, done, n);
                }
                done += n;
            }
            return out;
        }

        private Segment segmentAt(long pos) {
            int lo = 0;
            int hi = segments.size() - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (segments.get(mid).start() <= pos) lo = mid;
                else hi = mid - 1;
            }
            return segments.get(lo);
        }

        @Override
        public String toString() {
            return "logical volume " + name;
        }
    }

    /** LVM2's CRC-32 (lib/misc/crc.c): the reflected IEEE polynomial, its own initial value, no final inversion. */
    static long crc(long initial, byte[] d, int offset, int length) {
        long crc = initial;
        for (int i = offset; i < offset + length; i++) {
            crc ^= d[i] & 0xFF;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xEDB88320L : crc >>> 1;
        }
        return crc & 0xFFFFFFFFL;
    }
}
