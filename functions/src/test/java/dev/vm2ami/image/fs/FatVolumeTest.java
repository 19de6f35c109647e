package dev.vm2ami.image.fs;

import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.testing.FileDevice;
import dev.vm2ami.image.testing.Tools;
import dev.vm2ami.image.testing.Trees;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** FAT12, FAT16 and FAT32 as mkfs.vfat writes them, filled by mcopy (mtools): long names, subdirectories, cluster chains. */
class FatVolumeTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "FAT{0}")
    @CsvSource({"12, 2", "16, 32", "32, 64"})
    void readsLongNamesDirectoriesAndChainsAsMtoolsWritesThem(int bits, int mib) throws Exception {
        Tools.require("mkfs.vfat", "mcopy");
        Path tree = dir.resolve("tree");
        Trees.write(tree, "EFI/BOOT/BOOTX64.EFI", "MZ fallback loader");
        Trees.write(tree, "EFI/debian/grubx64.efi", "MZ grub");
        Trees.write(tree, "EFI/debian/grub.cfg", "search.fs_uuid 0a1b2c3d root\nconfigfile ($root)/boot/grub/grub.cfg\n");
        Trees.write(tree, "A Long File Name, with Spaces.txt", "long");
        Trees.write(tree, "big.bin", Trees.pattern(3, 150_000));
        for (int i = 0; i < 120; i++) Trees.write(tree, "many/file-number-" + i + ".conf", Integer.toString(i));
        Path img = dir.resolve("fat" + bits + ".img");
        Tools.run(dir, "mkfs.vfat", "-F", Integer.toString(bits), "-s", "1", "-n", "ESP", "-i", "1234ABCD", "-C", img.toString(),
                Integer.toString(mib * 1024));
        try (var files = Files.list(tree)) {
            List<String> cmd = new java.util.ArrayList<>(List.of("mcopy", "-s", "-i", img.toString()));
            files.forEach(f -> cmd.add(f.toString()));
            cmd.add("::/");
            Tools.run(dir, cmd.toArray(String[]::new));
        }
        try (FileDevice dev = FileDevice.open(img)) {
            FatVolume v = (FatVolume) Volumes.open(dev, ReadBudget.standard()).orElseThrow();
            assertThat(v.fatBits()).isEqualTo(bits);
            assertThat(v.type()).isEqualTo("vfat");
            assertThat(v.uuid()).contains("1234-ABCD");
            assertThat(v.label()).contains("ESP");
            assertThat(v.readFile("/EFI/BOOT/BOOTX64.EFI", 100).map(String::new)).contains("MZ fallback loader");
            assertThat(v.readFile("/efi/boot/bootx64.efi", 100)).as("case-insensitive").isPresent();
            assertThat(v.list("/EFI/debian", 10).orElseThrow().names()).contains("grubx64.efi", "grub.cfg");
            assertThat(v.readFile("/A Long File Name, with Spaces.txt", 10).map(String::new)).contains("long");
            assertThat(v.readFile("/big.bin", 1 << 20).orElseThrow()).isEqualTo(Trees.pattern(3, 150_000));
            Volume.Node big = v.lookup("/big.bin").orElseThrow();
            assertThat(v.read(big, 100_000, 1000)).isEqualTo(java.util.Arrays.copyOfRange(Trees.pattern(3, 150_000), 100_000, 101_000));
            Volume.Listing many = v.list("/many", 1000).orElseThrow();
            assertThat(many.names()).contains("file-number-0.conf", "file-number-119.conf");
            assertThat(many.names().stream().filter(n -> n.startsWith("file-number-"))).hasSize(120);
            assertThat(new String(v.readFile("/MANY/FILE-NUMBER-77.CONF", 10).orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("77");
            assertThat(v.lookup("/EFI/BOOT/BOOTAA64.EFI")).isEmpty();
        }
    }
}
