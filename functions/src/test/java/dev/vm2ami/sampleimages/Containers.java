package dev.vm2ami.sampleimages;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import java.util.zip.Deflater;

/**
 * Wraps a raw disk ({@link SparseImage}) in the containers EC2 VM import reads — VMDK, VHD, VHDX,
 * OVA — with real headers, tables and checksums, writing only the parts of the disk that hold data.
 */
public final class Containers {
    private static final int SECTOR = 512;
    private static final int GRAIN_SECTORS = 128;
    private static final int GRAIN = GRAIN_SECTORS * SECTOR;
    private static final int GTES = 512;
    private static final long MIB = 1024 * 1024;

    private Containers() {}

    // ---------------------------------------------------------------- VMDK

    /**
     * VMDK sparse-extent options: the descriptor's createType, header flags and compression, a parent,
     * and {@code fillerBytes} of zeros between the grains and the grain tables, which stand for the
     * compressed data of a full disk so that benchmarks get a multi-GB file that is sparse on disk.
     */
    public record VmdkOptions(String createType, boolean compressed, int compressAlgorithm, String parentCid, long fillerBytes) {
        public static final VmdkOptions STREAM_OPTIMIZED = new VmdkOptions("streamOptimized", true, 1, "ffffffff", 0);
        public static final VmdkOptions MONOLITHIC_SPARSE = new VmdkOptions("monolithicSparse", false, 0, "ffffffff", 0);

        public VmdkOptions withCompressAlgorithm(int algorithm) {
            return new VmdkOptions(createType, compressed, algorithm, parentCid, fillerBytes);
        }

        public VmdkOptions withParent(String cid) {
            return new VmdkOptions(createType, compressed, compressAlgorithm, cid, fillerBytes);
        }

        public VmdkOptions withFiller(long bytes) {
            return new VmdkOptions(createType, compressed, compressAlgorithm, parentCid, bytes / SECTOR * SECTOR);
        }
    }

    /** A stream-optimized VMDK as an OVF export writes it: deflated grains behind markers, GD in the footer. */
    public static SparseImage streamOptimizedVmdk(SparseImage disk) {
        return vmdk(disk, VmdkOptions.STREAM_OPTIMIZED);
    }

    public static SparseImage vmdk(SparseImage disk, VmdkOptions options) {
        long capacity = (disk.length() + SECTOR - 1) / SECTOR;
        long gtCount = (capacity + (long) GTES * GRAIN_SECTORS - 1) / ((long) GTES * GRAIN_SECTORS);
        byte[] descriptor = descriptor(options, capacity);
        long descriptorSectors = 20;
        long overhead = 128;
        List<byte[]> pieces = new ArrayList<>();
        long sector = overhead;
        Map<Long, Long> grainSectors = new TreeMap<>();
        SortedSet<Long> grains = disk.touchedUnits(GRAIN);
        for (long g : grains) {
            byte[] data = disk.read(g * GRAIN, GRAIN);
            if (isZero(data)) continue;
            byte[] piece;
            if (options.compressed()) {
                byte[] z = deflate(data);
                piece = padded(12 + z.length);
                ByteBuffer.wrap(piece).order(ByteOrder.LITTLE_ENDIAN).putLong(0, g * GRAIN_SECTORS).putInt(8, z.length);
                System.arraycopy(z, 0, piece, 12, z.length);
            } else {
                piece = padded(data.length);
                System.arraycopy(data, 0, piece, 0, data.length);
            }
            grainSectors.put(g, sector);
            pieces.add(piece);
            sector += piece.length / SECTOR;
        }
        long filler = options.fillerBytes() / SECTOR;
        if (filler > 0) {
            pieces.add(new byte[0]);
            sector += filler;
        }
        long[] gd = new long[(int) gtCount];
        for (long t = 0; t < gtCount; t++) {
            byte[] gt = new byte[GTES * 4];
            ByteBuffer b = ByteBuffer.wrap(gt).order(ByteOrder.LITTLE_ENDIAN);
            boolean any = false;
            for (int i = 0; i < GTES; i++) {
                Long at = grainSectors.get(t * GTES + i);
                if (at != null) {
                    b.putInt(i * 4, (int) (long) at);
                    any = true;
                }
            }
            if (!any) continue;
            if (options.compressed()) {
                pieces.add(marker(gt.length / SECTOR, 1));
                sector++;
            }
            gd[(int) t] = sector;
            pieces.add(gt);
            sector += gt.length / SECTOR;
        }
        byte[] gdBytes = padded((int) gtCount * 4);
        ByteBuffer gdb = ByteBuffer.wrap(gdBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int t = 0; t < gtCount; t++) gdb.putInt(t * 4, (int) gd[t]);
        if (options.compressed()) {
            pieces.add(marker(gdBytes.length / SECTOR, 2));
            sector++;
        }
        long gdOffset = sector;
        pieces.add(gdBytes);
        sector += gdBytes.length / SECTOR;

        long totalSectors = sector + (options.compressed() ? 3 : 0);
        SparseImage out = new SparseImage(totalSectors * SECTOR);
        out.write(0, vmdkHeader(options, capacity, descriptorSectors, options.compressed() ? -1 : gdOffset, overhead));
        out.write(SECTOR, descriptor);
        long at = overhead * SECTOR;
        for (byte[] p : pieces) {
            out.write(at, p);
            at += p.length == 0 ? filler * SECTOR : p.length; // the empty piece marks where the filler goes
        }
        if (options.compressed()) {
            out.write(at, marker(1, 3));
            out.write(at + SECTOR, vmdkHeader(options, capacity, descriptorSectors, gdOffset, overhead));
        }
        return out;
    }

    static byte[] vmdkHeader(VmdkOptions o, long capacity, long descriptorSectors, long gdOffset, long overhead) {
        ByteBuffer b = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, "KDMV".getBytes(StandardCharsets.US_ASCII));
        b.putInt(4, o.compressed() ? 3 : 1);
        b.putInt(8, o.compressed() ? 1 | (1 << 16) | (1 << 17) : 1 | 2);
        b.putLong(12, capacity);
        b.putLong(20, GRAIN_SECTORS);
        b.putLong(28, 1);
        b.putLong(36, descriptorSectors);
        b.putInt(44, GTES);
        b.putLong(48, 0);
        b.putLong(56, gdOffset);
        b.putLong(64, overhead);
        b.put(73, (byte) '\n').put(74, (byte) ' ').put(75, (byte) '\r').put(76, (byte) '\n');
        b.putShort(77, (short) o.compressAlgorithm());
        return b.array();
    }

    private static byte[] descriptor(VmdkOptions o, long capacity) {
        return ("# Disk DescriptorFile\nversion=1\nCID=7e5b2c1a\nparentCID=" + o.parentCid() + "\n"
                + "createType=\"" + o.createType() + "\"\n\n# Extent description\n"
                + "RW " + capacity + " SPARSE \"disk.vmdk\"\n\n# The Disk Data Base\n#DDB\n\n"
                + "ddb.virtualHWVersion = \"4\"\nddb.adapterType = \"lsilogic\"\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A descriptor-only VMDK whose data is in a separate flat extent file (as VMware Workstation and ESX datastores keep it). */
    public static byte[] flatVmdkDescriptor(long capacitySectors, String extentFile) {
        return ("# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType=\"monolithicFlat\"\n\n"
                + "# Extent description\nRW " + capacitySectors + " FLAT \"" + extentFile + "\" 0\n\n"
                + "# The Disk Data Base\n#DDB\n\nddb.adapterType = \"lsilogic\"\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] marker(long sectors, int type) {
        byte[] m = new byte[SECTOR];
        ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).putLong(0, sectors).putInt(8, 0).putInt(12, type);
        return m;
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_SPEED);
        try {
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            while (!d.finished()) out.write(buf, 0, d.deflate(buf));
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    // ---------------------------------------------------------------- VHD

    public static SparseImage fixedVhd(SparseImage disk) {
        SparseImage out = copy(disk, disk.length() + SECTOR);
        out.write(disk.length(), SampleImages.vhdFooter(disk.length(), 2));
        return out;
    }

    /** A dynamic VHD (2 MiB blocks); {@code diskType} 4 makes it a differencing disk. */
    public static SparseImage dynamicVhd(SparseImage disk, int diskType) {
        int blockSize = 2 * (int) MIB;
        long blocks = (disk.length() + blockSize - 1) / blockSize;
        long batAt = 1536;
        long batBytes = (blocks * 4 + SECTOR - 1) / SECTOR * SECTOR;
        long next = batAt + batBytes;
        byte[] bat = new byte[(int) batBytes];
        java.util.Arrays.fill(bat, (byte) 0xFF);
        List<long[]> placed = new ArrayList<>();
        for (long b : disk.touchedUnits(blockSize)) {
            ByteBuffer.wrap(bat).order(ByteOrder.BIG_ENDIAN).putInt((int) b * 4, (int) (next / SECTOR));
            placed.add(new long[]{b, next});
            next += SECTOR + blockSize; // one sector of bitmap, then the block
        }
        byte[] footer = SampleImages.vhdFooter(disk.length(), diskType);
        SparseImage out = new SparseImage(next + SECTOR);
        out.write(0, footer);
        out.write(512, dynamicHeader(batAt, blocks, blockSize));
        out.write(batAt, bat);
        byte[] bitmap = new byte[SECTOR];
        java.util.Arrays.fill(bitmap, (byte) 0xFF);
        for (long[] p : placed) {
            out.write(p[1], bitmap);
            for (long c = 0; c < blockSize; c += GRAIN) {
                byte[] data = disk.read(p[0] * blockSize + c, GRAIN);
                if (!isZero(data)) out.write(p[1] + SECTOR + c, data);
            }
        }
        out.write(next, footer);
        return out;
    }

    private static byte[] dynamicHeader(long batAt, long entries, int blockSize) {
        ByteBuffer h = ByteBuffer.allocate(1024).order(ByteOrder.BIG_ENDIAN);
        h.put(0, "cxsparse".getBytes(StandardCharsets.US_ASCII));
        h.putLong(8, -1L);
        h.putLong(16, batAt);
        h.putInt(24, 0x00010000);
        h.putInt(28, (int) entries);
        h.putInt(32, blockSize);
        int sum = 0;
        for (byte x : h.array()) sum += x & 0xFF;
        h.putInt(36, ~sum);
        return h.array();
    }

    // ---------------------------------------------------------------- VHDX

    /** A dynamic VHDX (1 MiB blocks, 512-byte sectors) with valid header and region-table CRC-32Cs. */
    public static SparseImage vhdx(SparseImage disk) {
        return vhdx(disk, false);
    }

    /** A VHDX whose current header names a log that was never replayed. */
    public static SparseImage vhdxWithPendingLog(SparseImage disk) {
        return vhdx(disk, true);
    }

    private static SparseImage vhdx(SparseImage disk, boolean pendingLog) {
        long blockSize = MIB;
        long metadataAt = 2 * MIB;
        long batAt = 3 * MIB;
        long blocks = (disk.length() + blockSize - 1) / blockSize;
        long chunkRatio = (1L << 23) * SECTOR / blockSize;
        long batEntries = blocks + blocks / chunkRatio + 1;
        long batLength = (batEntries * 8 + MIB - 1) / MIB * MIB;
        long next = batAt + batLength;
        byte[] bat = new byte[(int) (batEntries * 8)];
        ByteBuffer bb = ByteBuffer.wrap(bat).order(ByteOrder.LITTLE_ENDIAN);
        List<long[]> placed = new ArrayList<>();
        for (long b : disk.touchedUnits((int) blockSize)) {
            bb.putLong((int) ((b + b / chunkRatio) * 8), (next / MIB) << 20 | 6);
            placed.add(new long[]{b, next});
            next += blockSize;
        }
        SparseImage out = new SparseImage(next);
        byte[] id = new byte[8 + 512];
        System.arraycopy("vhdxfile".getBytes(StandardCharsets.US_ASCII), 0, id, 0, 8);
        byte[] creator = "vm2ami".getBytes(StandardCharsets.UTF_16LE);
        System.arraycopy(creator, 0, id, 8, creator.length);
        out.write(0, id);
        out.write(64 * 1024, vhdxHeader(1, pendingLog));
        out.write(128 * 1024, vhdxHeader(2, pendingLog));
        byte[] regions = regionTable(batAt, batLength, metadataAt, MIB);
        out.write(192 * 1024, regions);
        out.write(256 * 1024, regions);
        out.write(metadataAt, metadata(disk.length()));
        out.write(batAt, bat);
        for (long[] p : placed) {
            for (long c = 0; c < blockSize; c += GRAIN) {
                byte[] data = disk.read(p[0] * blockSize + c, GRAIN);
                if (!isZero(data)) out.write(p[1] + c, data);
            }
        }
        return out;
    }

    private static byte[] vhdxHeader(long sequence, boolean pendingLog) {
        ByteBuffer h = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        h.put(0, "head".getBytes(StandardCharsets.US_ASCII));
        h.putLong(8, sequence);
        h.put(16, DiskBuilder.guid("11111111-2222-3333-4444-555555555555"));
        h.put(32, DiskBuilder.guid("66666666-7777-8888-9999-000000000000"));
        if (pendingLog) h.put(48, DiskBuilder.guid("ABCDEF01-2345-6789-ABCD-EF0123456789"));
        h.putShort(66, (short) 1);
        h.putInt(68, (int) MIB);
        h.putLong(72, MIB);
        h.putInt(4, (int) crc32c(h.array()));
        return h.array();
    }

    private static byte[] regionTable(long batAt, long batLength, long metadataAt, long metadataLength) {
        ByteBuffer t = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        t.put(0, "regi".getBytes(StandardCharsets.US_ASCII));
        t.putInt(8, 2);
        t.put(16, DiskBuilder.guid("2DC27766-F623-4200-9D64-115E9BFD4A08")).putLong(32, batAt).putInt(40, (int) batLength).putInt(44, 1);
        t.put(48, DiskBuilder.guid("8B7CA206-4790-4B9A-B8FE-575F050F886E")).putLong(64, metadataAt).putInt(72, (int) metadataLength).putInt(76, 1);
        t.putInt(4, (int) crc32c(t.array()));
        return t.array();
    }

    private static byte[] metadata(long size) {
        ByteBuffer m = ByteBuffer.allocate(64 * 1024 + 64).order(ByteOrder.LITTLE_ENDIAN);
        m.put(0, "metadata".getBytes(StandardCharsets.US_ASCII));
        m.putShort(10, (short) 3);
        int value = 64 * 1024;
        m.put(32, DiskBuilder.guid("CAA16737-FA36-4D43-B3B6-33F0AA44E76B")).putInt(48, value).putInt(52, 8).putInt(56, 0b110);
        m.put(64, DiskBuilder.guid("2FA54224-CD1B-4876-B211-5DBED83BF4B8")).putInt(80, value + 8).putInt(84, 8).putInt(88, 0b110);
        m.put(96, DiskBuilder.guid("8141BF1D-A96F-4709-BA47-F233A8FAAB5F")).putInt(112, value + 16).putInt(116, 4).putInt(120, 0b110);
        m.putInt(value, (int) MIB).putInt(value + 4, 0);
        m.putLong(value + 8, size);
        m.putInt(value + 16, SECTOR);
        return m.array();
    }

    private static long crc32c(byte[] data) {
        CRC32C c = new CRC32C();
        c.update(data);
        return c.getValue();
    }

    // ---------------------------------------------------------------- OVA

    /** A disk of an OVA: the member's file name and its bytes. */
    public record OvaDisk(String fileName, SparseImage image) {
    }

    /** An OVA (ustar) with the OVF descriptor first and one VMDK disk per entry. */
    public static SparseImage ova(List<OvaDisk> disks) {
        return ova(disks, true, List.of());
    }

    /**
     * @param ovfFirst      whether the descriptor is the first member (EC2 requires it)
     * @param missingDisks  file names the descriptor lists although the archive lacks them
     */
    public static SparseImage ova(List<OvaDisk> disks, boolean ovfFirst, List<String> missingDisks) {
        byte[] ovf = ovf(disks, missingDisks);
        List<OvaDisk> members = new ArrayList<>(disks);
        OvaDisk descriptor = new OvaDisk("vm.ovf", SparseImage.of(ovf));
        if (ovfFirst) members.add(0, descriptor);
        else members.add(descriptor);
        long length = 1024;
        for (OvaDisk m : members) length += SECTOR + (m.image().length() + SECTOR - 1) / SECTOR * SECTOR;
        SparseImage out = new SparseImage(length);
        long at = 0;
        for (OvaDisk m : members) {
            out.write(at, tarHeader(m.fileName(), m.image().length()));
            at += SECTOR;
            for (long unit : m.image().touchedUnits(GRAIN)) out.write(at + unit * GRAIN, m.image().read(unit * GRAIN, GRAIN));
            at += (m.image().length() + SECTOR - 1) / SECTOR * SECTOR;
        }
        return out;
    }

    private static byte[] ovf(List<OvaDisk> disks, List<String> missing) {
        StringBuilder refs = new StringBuilder();
        StringBuilder section = new StringBuilder();
        List<String> names = new ArrayList<>();
        disks.forEach(d -> names.add(d.fileName()));
        names.addAll(missing);
        for (int i = 0; i < names.size(); i++) {
            refs.append("    <File ovf:href=\"").append(names.get(i)).append("\" ovf:id=\"file").append(i + 1).append("\"/>\n");
            section.append("    <Disk ovf:capacity=\"1\" ovf:capacityAllocationUnits=\"byte * 2^30\" ovf:diskId=\"vmdisk")
                    .append(i + 1).append("\" ovf:fileRef=\"file").append(i + 1)
                    .append("\" ovf:format=\"http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized\"/>\n");
        }
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\" xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\">\n"
                + "  <References>\n" + refs + "  </References>\n"
                + "  <DiskSection>\n    <Info>Virtual disk information</Info>\n" + section + "  </DiskSection>\n"
                + "  <VirtualSystem ovf:id=\"vm\">\n    <Info>A virtual machine</Info>\n  </VirtualSystem>\n"
                + "</Envelope>\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] tarHeader(String name, long size) {
        byte[] h = new byte[SECTOR];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
        put(h, 100, "0000644\0");
        put(h, 108, "0000000\0");
        put(h, 116, "0000000\0");
        if (size < 077777777777L) {
            put(h, 124, String.format("%011o\0", size));
        } else { // GNU base-256 for members of 8 GiB and more
            h[124] = (byte) 0x80;
            for (int i = 0; i < 8; i++) h[135 - i] = (byte) (size >>> (8 * i));
        }
        put(h, 136, "00000000000\0");
        h[156] = '0';
        put(h, 257, "ustar\0");
        put(h, 263, "00");
        put(h, 148, "        ");
        long sum = 0;
        for (byte b : h) sum += b & 0xFF;
        put(h, 148, String.format("%06o\0 ", sum));
        return h;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    // ---------------------------------------------------------------- helpers

    private static SparseImage copy(SparseImage disk, long length) {
        SparseImage out = new SparseImage(length);
        for (long unit : disk.touchedUnits(GRAIN)) out.write(unit * GRAIN, disk.read(unit * GRAIN, GRAIN));
        return out;
    }

    private static byte[] padded(int length) {
        return new byte[(length + SECTOR - 1) / SECTOR * SECTOR];
    }

    private static boolean isZero(byte[] data) {
        for (byte b : data) if (b != 0) return false;
        return true;
    }
}
