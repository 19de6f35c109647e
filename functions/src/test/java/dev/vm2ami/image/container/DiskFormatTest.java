package dev.vm2ami.image.container;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DiskFormatTest {
    @Test
    void theImageSuffixesAreTheFormatsThenTheCompressions() {
        assertThat(DiskFormat.imageSuffixes()).containsExactly(".ova", ".vmdk", ".vhd", ".vhdx", ".raw", ".img", ".qcow2", ".vdi",
                ".gz", ".xz", ".zst");
    }

    @Test
    void aCompressedNameNamesTheFormatInside() {
        assertThat(DiskFormat.fromFileName("disk.raw.gz")).contains(DiskFormat.RAW);
        assertThat(DiskFormat.fromFileName("disk.IMG.xz")).contains(DiskFormat.RAW);
        assertThat(DiskFormat.fromFileName("web.qcow2.zst")).contains(DiskFormat.QCOW2);
        assertThat(DiskFormat.fromFileName("desk.VDI")).contains(DiskFormat.VDI);
        assertThat(DiskFormat.fromFileName("disk.gz")).isEqualTo(Optional.empty());
        assertThat(DiskFormat.fromFileName("notes.txt")).isEmpty();
    }

    @Test
    void anImageNameIsAnyImageSuffixInAnyCase() {
        assertThat(DiskFormat.isImageName("dumps/disk.gz")).isTrue();
        assertThat(DiskFormat.isImageName("dumps/DISK.RAW.XZ")).isTrue();
        assertThat(DiskFormat.isImageName("kvm/web.Qcow2")).isTrue();
        assertThat(DiskFormat.isImageName("disk.tar.bz2")).isFalse();
        assertThat(DiskFormat.isImageName("web.qcow2.vm2ami.json")).isFalse();
    }
}
