package dev.vm2ami.image.verdict;

import dev.vm2ami.image.read.FileRangeReader;
import dev.vm2ami.sampleimages.Containers;
import dev.vm2ami.sampleimages.DiskBuilder;
import dev.vm2ami.sampleimages.FileSystemSample;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static dev.vm2ami.image.verdict.Disks.GIB;
import static dev.vm2ami.image.verdict.Disks.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/** Reads are O(1) in the image's size: at most 1 MiB and a handful of requests, however big the disk. */
class BoundedReadsTest {
    private static final long MAX_BYTES = MIB;
    private static final int MAX_REQUESTS = 16;

    @TempDir
    Path dir;

    private static InspectionReport inspectFile(Path file, BootMode mode) throws IOException {
        try (FileRangeReader reader = new FileRangeReader(file)) {
            return new ImageInspector().inspect(reader, new InspectionRequest(file.getFileName().toString(), mode));
        }
    }

    @Test
    void readsAtMostOneMebibyteOfATwoGibibyteSparseRawDisk() throws IOException {
        Path file = Disks.linuxUefiGpt().writeTo(dir.resolve("disk.raw"));

        InspectionReport report = inspectFile(file, BootMode.UEFI);

        assertThat(file.toFile().length()).isEqualTo(2 * GIB);
        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(report.bytesRead()).isLessThanOrEqualTo(MAX_BYTES);
        assertThat(report.rangeRequests()).isLessThanOrEqualTo(MAX_REQUESTS);
    }

    @Test
    void readsAtMostOneMebibyteOfAMultiGigabyteVmdk() throws IOException {
        SparseImage disk = DiskBuilder.mbr(40 * GIB).partition("0x83", GIB, FileSystemSample.EXT4)
                .partition("0x8E", 30 * GIB, FileSystemSample.LVM2).build();
        disk.write(39 * GIB, new byte[]{1}); // data near the end of the disk: the VMDK's tables reach that far
        Path file = Containers.streamOptimizedVmdk(disk).writeTo(dir.resolve("disk.vmdk"));

        InspectionReport report = inspectFile(file, null);

        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(report.virtualSize()).isEqualTo(40 * GIB);
        assertThat(report.bytesRead()).isLessThanOrEqualTo(MAX_BYTES);
        assertThat(report.rangeRequests()).isLessThanOrEqualTo(MAX_REQUESTS);
    }

    @Test
    void readsAsLittleOfA15TiBVhdAsOfASmallOne() {
        SparseImage disk = DiskBuilder.mbr(15L << 40).partition("0x83", GIB, FileSystemSample.EXT4).build();

        InspectionReport report = Inspect.image(Containers.fixedVhd(disk), "huge.vhd");

        assertThat(Inspect.codes(report)).containsExactly("DISK_NEEDS_MANIFEST");
        assertThat(report.bytesRead()).isLessThanOrEqualTo(MAX_BYTES);
    }

    @Test
    void readsEachMemberHeaderOfAnOvaNotItsData() {
        List<Containers.OvaDisk> disks = List.of(
                new Containers.OvaDisk("disk1.vmdk", Containers.streamOptimizedVmdk(Disks.linuxMbr())),
                new Containers.OvaDisk("disk2.vmdk", Containers.streamOptimizedVmdk(DiskBuilder.mbr(8 * GIB)
                        .partition("0x83", 4 * GIB, FileSystemSample.XFS).build().write(7 * GIB, new byte[]{1}))));

        InspectionReport report = Inspect.image(Containers.ova(disks), "vm.ova");

        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(report.bytesRead()).isLessThanOrEqualTo(MAX_BYTES);
    }
}
