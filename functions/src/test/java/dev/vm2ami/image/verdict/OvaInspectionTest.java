package dev.vm2ami.image.verdict;

import dev.vm2ami.image.container.DiskFormat;
import dev.vm2ami.sampleimages.Containers;
import dev.vm2ami.sampleimages.Containers.OvaDisk;
import dev.vm2ami.sampleimages.Containers.VmdkOptions;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OvaInspectionTest {

    private static OvaDisk disk(String name) {
        return new OvaDisk(name, Containers.streamOptimizedVmdk(Disks.linuxMbr()));
    }

    private static List<OvaDisk> disks(int n) {
        List<OvaDisk> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) out.add(new OvaDisk("vm-disk" + i + ".vmdk", SparseImage.of(SampleImages.streamOptimizedVmdkHeader(2048))));
        return out;
    }

    @Test
    void acceptsAnOvaWithItsDescriptorFirstAndAStreamOptimizedDisk() {
        InspectionReport report = Inspect.image(Containers.ova(List.of(disk("vm-disk1.vmdk"))), "vm.ova");

        assertThat(report.format()).isEqualTo(DiskFormat.OVA);
        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(report.disks()).containsExactly(new DiskInfo("vm-disk1.vmdk", DiskFormat.VMDK, "streamOptimized", 64 * Disks.MIB));
        assertThat(report.partitions()).extracting(PartitionInfo::fileSystem).containsExactly("ext4", "swap");
    }

    @Test
    void rejectsAnOvaWhoseDescriptorIsNotTheFirstMember() {
        InspectionReport report = Inspect.image(Containers.ova(List.of(disk("vm-disk1.vmdk")), false, List.of()), "vm.ova");

        assertThat(Inspect.codes(report)).containsExactly("OVA_OVF_NOT_FIRST");
        assertThat(report.findings().get(0).message()).contains("'vm-disk1.vmdk'").contains("Unsupported OVA format");
        assertThat(report.findings().get(0).fix()).contains("tar -cf vm.ova vm.ovf");
    }

    @Test
    void rejectsAnOvaWith22Disks() {
        InspectionReport report = Inspect.image(Containers.ova(disks(22)), "big.ova");

        assertThat(Inspect.codes(report)).containsExactly("OVA_TOO_MANY_DISKS");
        assertThat(report.findings().get(0).message()).contains("22 disks").contains("21");
        assertThat(report.findings().get(0).fix()).contains("ImportSnapshot");
        assertThat(report.disks()).hasSize(22);
    }

    @Test
    void acceptsAnOvaWith21Disks() {
        InspectionReport report = Inspect.image(Containers.ova(disks(21)), "big.ova");

        assertThat(report.verdict()).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void rejectsAnOvaWhoseDescriptorNamesADiskTheArchiveLacks() {
        InspectionReport report = Inspect.image(Containers.ova(List.of(disk("vm-disk1.vmdk")), true, List.of("vm-disk2.vmdk")), "vm.ova");

        assertThat(Inspect.codes(report)).containsExactly("OVA_DISK_MISSING");
        assertThat(report.findings().get(0).message()).contains("vm-disk2.vmdk");
    }

    @Test
    void rejectsAnOvaWhoseDiskIsNotStreamOptimizedNamingTheDisk() {
        OvaDisk sparse = new OvaDisk("vm-disk1.vmdk", Containers.vmdk(Disks.linuxMbr(), VmdkOptions.MONOLITHIC_SPARSE));

        InspectionReport report = Inspect.image(Containers.ova(List.of(sparse)), "vm.ova");

        assertThat(Inspect.codes(report)).containsExactly("VMDK_NOT_STREAM_OPTIMIZED");
        assertThat(report.findings().get(0).message()).startsWith("Disk 'vm-disk1.vmdk': ");
    }

    @Test
    void rejectsAnOvaWhoseDescriptorIsNotWellFormedXml() {
        byte[] ova = Containers.ova(List.of(disk("vm-disk1.vmdk"))).toByteArray();
        int ovfData = 512;
        byte[] broken = "<Envelope><References></Envelope>".getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(ova, ovfData, ovfData + 400, (byte) ' ');
        System.arraycopy(broken, 0, ova, ovfData, broken.length);

        InspectionReport report = Inspect.bytes(ova, "vm.ova");

        assertThat(Inspect.codes(report)).containsExactly("OVA_OVF_INVALID");
        assertThat(report.findings().get(0).message()).contains("vm.ovf");
    }

    @Test
    void rejectsAnOvaCutShort() {
        byte[] ova = Containers.ova(List.of(disk("vm-disk1.vmdk"))).toByteArray();

        InspectionReport report = Inspect.bytes(Arrays.copyOf(ova, ova.length / 2), "vm.ova");

        assertThat(Inspect.codes(report)).contains("IMAGE_TRUNCATED");
        assertThat(report.verdict()).isEqualTo(Verdict.REJECT);
    }

    @Test
    void refusesToTreatAnXmlEntityBombAsADescriptor() {
        byte[] ova = Containers.ova(List.of(disk("vm-disk1.vmdk"))).toByteArray();
        byte[] bomb = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><Envelope>&b;</Envelope>"
                .getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(ova, 512, 512 + 400, (byte) ' ');
        System.arraycopy(bomb, 0, ova, 512, bomb.length);

        InspectionReport report = Inspect.bytes(ova, "vm.ova");

        assertThat(Inspect.codes(report)).containsExactly("OVA_OVF_INVALID");
    }
}
