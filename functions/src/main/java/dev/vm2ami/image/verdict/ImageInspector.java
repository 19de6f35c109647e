package dev.vm2ami.image.verdict;

import dev.vm2ami.image.container.BlockDisk;
import dev.vm2ami.image.container.Container;
import dev.vm2ami.image.container.ConvertibleImage;
import dev.vm2ami.image.container.DiskFormat;
import dev.vm2ami.image.container.ExtentFiles;
import dev.vm2ami.image.container.Ova;
import dev.vm2ami.image.container.Vhd;
import dev.vm2ami.image.container.Vhdx;
import dev.vm2ami.image.container.VirtualDisk;
import dev.vm2ami.image.container.Vmdk;
import dev.vm2ami.image.convert.Target;
import dev.vm2ami.image.finding.ConversionException;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.finding.FindingCode;
import dev.vm2ami.image.finding.MalformedImageException;
import dev.vm2ami.image.read.ByteRangeReader;
import dev.vm2ami.image.read.ByteSource;
import dev.vm2ami.image.read.CachingRangeReader;
import dev.vm2ami.image.read.Region;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Pre-flight inspection: reads a few blocks of an image and says whether EC2 VM import would take
 * it, and why not. The format comes from the bytes (the name is only compared with them); then the
 * container (VMDK, VHD, VHDX, each disk of an OVA) is checked and opened, and the boot disk's
 * partition table, file systems, operating system and boot loader are read through it.
 *
 * <p>Every input gets a verdict: damaged structures become findings, and reads are bounded (a
 * cache of block-aligned reads, every length from a header capped), whatever the image's size.
 */
public final class ImageInspector {
    /** More disks than EC2 takes is already a rejection; inspecting a few beyond that says nothing new. */
    private static final int MAX_INSPECTED_DISKS = Ova.MAX_VOLUMES + 3;
    /** Of a convertible image's tables, those checked for pointing past the file's end (the furthest first): 1 MiB of 64 KiB tables. */
    private static final int MAX_CHECKED_TABLES = 16;

    public InspectionReport inspect(ByteRangeReader reader, InspectionRequest request) {
        Run run = new Run(request);
        try {
            if (sizeOf(reader) == 0) {
                run.findings.add(FindingCode.EMPTY_IMAGE.finding());
            } else {
                run.image(Region.of(CachingRangeReader.wrap(new Guarded(reader))));
            }
        } catch (IOException e) {
            run.findings.add(FindingCode.UNREADABLE.finding(e.getMessage()));
        } catch (RuntimeException | StackOverflowError e) {
            // A bug of ours, not a property of the image: say so, but do not reject the image for it.
            run.findings.add(FindingCode.INSPECTION_INCOMPLETE.finding(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        return new InspectionReport(run.format, InspectionReport.verdictOf(run.findings, run.conversion.isPresent()), run.findings,
                run.bootDisk.partitions(), reader.bytesRead(), reader.rangeRequests(), run.disks.isEmpty() ? 0 : run.disks.get(0).virtualSize(),
                run.disks, run.conversion, run.bootDisk.systems(), run.bootDisk.bootMode());
    }

    private static long sizeOf(ByteRangeReader reader) throws IOException {
        try {
            return reader.size();
        } catch (RuntimeException e) {
            throw new IOException("its size could not be read: " + e.getMessage(), e);
        }
    }

    /** The state of one inspection. */
    private static final class Run {
        private final String name;
        private final Optional<BootMode> bootMode;
        private final List<Finding> findings = new ArrayList<>();
        private final List<DiskInfo> disks = new ArrayList<>();
        private final ExtentFiles extents;
        private DiskChecks.BootDisk bootDisk = DiskChecks.BootDisk.empty();
        private DiskFormat format = DiskFormat.UNKNOWN;
        private Optional<InspectionReport.ConversionPlan> conversion = Optional.empty();

        Run(InspectionRequest request) {
            this.name = request.fileName() == null ? "" : request.fileName();
            this.bootMode = Optional.ofNullable(request.bootMode());
            this.extents = request.extents();
        }

        void image(Region image) throws IOException {
            FormatSniffer.Sniff sniff = FormatSniffer.sniff(image, name);
            format = sniff.format();
            if (sniff.convertible()) {
                convertible(image);
                extensionCheck();
                return;
            }
            extensionCheck();
            if (format == DiskFormat.OVA) ova(image);
            else disk(image, baseName(name), sniff, true, findings::add);
        }

        private void extensionCheck() {
            Optional<DiskFormat> named = DiskFormat.fromFileName(name);
            if (named.isEmpty() || format == DiskFormat.UNKNOWN || named.get() == format) return;
            String ext = name.substring(name.lastIndexOf('.') + 1);
            findings.add(FindingCode.EXTENSION_MISMATCH.finding("." + ext + " (" + named.get() + ")", format,
                    format.name().toLowerCase(Locale.ROOT)));
        }

        private void ova(Region image) throws IOException {
            Ova.Contents contents = Ova.open(image);
            findings.addAll(contents.findings());
            int inspected = 0;
            for (Ova.Disk d : contents.disks()) {
                if (d.member().isEmpty() || inspected >= MAX_INSPECTED_DISKS) continue;
                Ova.Member m = d.member().get();
                Region member = image.slice(m.offset(), m.size());
                String prefix = "Disk '" + m.name() + "': ";
                Consumer<Finding> out = f -> findings.add(new Finding(f.severity(), f.code(), prefix + f.message(), f.fix()));
                disk(member, m.name(), FormatSniffer.sniff(member, m.name()), inspected++ == 0, out);
            }
        }

        /**
         * An image vm2ami converts before importing: what it is, whether it can be converted (its
         * headers, the tables furthest into the file, its extents), and the boot disk inside it, read
         * through the converter's reader. Of a compressed image only the start can be read here: the
         * converted image is inspected in full before it is imported.
         */
        private void convertible(Region image) throws IOException {
            ByteSource source = ByteSource.of(image);
            ConvertibleImage.Recognition r;
            try {
                r = ConvertibleImage.recognize(source, extents, MAX_CHECKED_TABLES);
            } catch (ConversionException e) {
                findings.add(e.finding());
                disks.add(new DiskInfo(baseName(name), format, "", 0));
                return;
            }
            format = r.format();
            conversion = Optional.of(new InspectionReport.ConversionPlan(r.from(), Target.VMDK.label(), r.compression().isPresent()));
            disks.add(new DiskInfo(baseName(name), format, r.from(), Math.max(0, r.virtualSize())));
            if (r.virtualSize() == 0) {
                findings.add(FindingCode.DISK_SIZE_ZERO.finding());
                return;
            }
            if (r.virtualSize() > 0) DiskChecks.size(r.virtualSize(), findings::add);
            if (r.compression().isPresent()) return;
            try (BlockDisk disk = ConvertibleImage.open(source, extents).disk()) {
                bootDisk = DiskChecks.bootDisk(disk, bootMode, findings::add);
            } catch (ConversionException e) {
                findings.add(e.finding());
            } catch (MalformedImageException e) {
                findings.add(e.finding());
            }
        }

        /** One disk image: its container, its size, and for the boot disk what is inside. */
        private void disk(Region image, String diskName, FormatSniffer.Sniff sniff, boolean boot, Consumer<Finding> out)
                throws IOException {
            if (sniff.unsupported().isPresent()) {
                out.accept(sniff.unsupported().get());
                disks.add(new DiskInfo(diskName, DiskFormat.UNKNOWN, "", 0));
                return;
            }
            Container container = switch (sniff.format()) {
                case VMDK -> Vmdk.open(image);
                case VHD -> Vhd.open(image);
                case VHDX -> Vhdx.open(image);
                case RAW -> sniff.convertible()
                        ? Container.broken("", FindingCode.UNSUPPORTED_FORMAT.finding("compressed disk inside an OVA",
                                "put the disk images themselves into the OVA, uncompressed."))
                        : new Container("", image.length(), Optional.of(VirtualDisk.raw(image)), List.of());
                case QCOW2, VDI -> Container.broken("", FindingCode.UNSUPPORTED_FORMAT.finding(sniff.format() + " disk inside an OVA",
                        "convert the disk to a stream-optimized VMDK (./vm2ami convert) and put that into the OVA."));
                case OVA, UNKNOWN -> Container.broken("", sniff.format() == DiskFormat.OVA
                        ? FindingCode.UNSUPPORTED_FORMAT.finding("an OVA inside an OVA", "put the disks themselves into the OVA, not another OVA.")
                        : FindingCode.UNKNOWN_FORMAT.finding());
            };
            container.findings().forEach(out);
            disks.add(new DiskInfo(diskName, sniff.format(), container.subformat(), container.virtualSize()));
            if (container.disk().isEmpty()) return;
            if (container.virtualSize() == 0) {
                out.accept(FindingCode.DISK_SIZE_ZERO.finding());
                return;
            }
            DiskChecks.size(container.virtualSize(), out);
            if (!boot) return;
            try {
                bootDisk = DiskChecks.bootDisk(container.disk().get(), bootMode, out);
            } catch (MalformedImageException e) {
                out.accept(e.finding());
            }
        }

        private static String baseName(String key) {
            return key.substring(key.lastIndexOf('/') + 1);
        }
    }

    /**
     * Turns a source's unchecked failures (an SDK client's exceptions, say) into IOExceptions, so a
     * source that cannot be read is reported as UNREADABLE, not mistaken for a damaged image.
     */
    private record Guarded(ByteRangeReader source) implements ByteRangeReader {
        @Override
        public long size() {
            return source.size();
        }

        @Override
        public byte[] read(long offset, int length) throws IOException {
            try {
                return source.read(offset, length);
            } catch (RuntimeException e) {
                throw new IOException("reading " + length + " bytes at offset " + offset + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public long bytesRead() {
            return source.bytesRead();
        }

        @Override
        public int rangeRequests() {
            return source.rangeRequests();
        }
    }
}
