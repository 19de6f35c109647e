package dev.vm2ami.image.fs;

import dev.vm2ami.image.read.ReadBudget;
import dev.vm2ami.image.testing.FileDevice;
import dev.vm2ami.image.testing.Tools;
import dev.vm2ami.image.testing.Trees;
import dev.vm2ami.sampleimages.HiveBuilder;
import dev.vm2ami.sampleimages.Pe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * NTFS as ntfs-3g writes it: mkntfs, then files copied in with ntfscp (no mount), and a Windows
 * tree (directories, a big directory whose index spills into $INDEX_ALLOCATION blocks, a sparse
 * file) written through ntfs-3g's FUSE driver where this machine lets a test mount one (ntfscp
 * cannot create directories).
 */
class NtfsVolumeTest {
    @TempDir
    Path dir;

    private Path mkntfs(String name, long size) throws Exception {
        Tools.require("mkntfs", "ntfscp");
        Path img = Tools.sparseFile(dir.resolve(name), size);
        Tools.run(dir, "mkntfs", "-F", "-Q", "-q", "-L", "Windows", img.toString());
        return img;
    }

    @Test
    void readsResidentAndNonResidentFilesCopiedByNtfscp() throws Exception {
        Path img = mkntfs("ntfscp.img", 32L << 20);
        Path small = Files.writeString(dir.resolve("small"), "resident data");
        Path big = Files.write(dir.resolve("big"), Trees.pattern(8, 3 * 1024 * 1024 + 5));
        Tools.run(dir, "ntfscp", img.toString(), small.toString(), "small.txt");
        Tools.run(dir, "ntfscp", img.toString(), big.toString(), "Big File.bin");
        try (FileDevice dev = FileDevice.open(img)) {
            Volume v = Volumes.open(dev, ReadBudget.standard()).orElseThrow();
            assertThat(v.type()).isEqualTo("ntfs");
            assertThat(v.label()).contains("Windows");
            assertThat(v.uuid().orElseThrow()).matches("[0-9A-F]{16}");
            assertThat(v.readFile("/small.txt", 100).map(String::new)).contains("resident data");
            assertThat(v.readFile("/SMALL.TXT", 100)).as("case-insensitive").isPresent();
            assertThat(v.readFile("/big file.bin", 4 << 20).orElseThrow()).isEqualTo(Trees.pattern(8, 3 * 1024 * 1024 + 5));
            assertThat(v.list("/", 100).orElseThrow().names()).containsExactlyInAnyOrder("small.txt", "Big File.bin");
            assertThat(v.lookup("/$MFT")).as("system files are found by name").isPresent();
            assertThat(v.lookup("/nothing.txt")).isEmpty();
        }
    }

    @Test
    void readsAWindowsTreeWrittenThroughNtfs3g() throws Exception {
        Tools.require("ntfs-3g", "umount");
        Path img = mkntfs("windows.img", 64L << 20);
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        Tools.Result mounted = Tools.tryRun(dir, null, "ntfs-3g", img.toString(), mnt.toString());
        assumeTrue(mounted.ok(), "ntfs-3g cannot mount here (FUSE unavailable?): skipped. " + mounted.output());
        byte[] software = HiveBuilder.windowsSoftware("Windows Server 2022 Datacenter", "20348", "ServerDatacenter", "Server");
        byte[] sparseTail = Trees.pattern(9, 3000);
        try {
            Trees.write(mnt, "Windows/System32/config/SOFTWARE", software);
            Trees.write(mnt, "Windows/System32/cmd.exe", Pe.header(Pe.AMD64));
            for (int i = 0; i < 700; i++) Trees.write(mnt, "Windows/WinSxS/amd64_component-with-a-long-name_" + i + ".manifest", "m" + i);
            try (RandomAccessFile f = new RandomAccessFile(mnt.resolve("sparse.dat").toFile(), "rw")) {
                f.seek(20L << 20);
                f.write(sparseTail);
            }
        } finally {
            Tools.run(dir, "umount", mnt.toString());
        }
        try (FileDevice dev = FileDevice.open(img)) {
            Volume v = Volumes.open(dev, ReadBudget.standard()).orElseThrow();
            assertThat(v.readFile("/Windows/System32/config/SOFTWARE", 1 << 20)).contains(software);
            assertThat(v.readFile("/windows/system32/CMD.EXE", 512)).contains(Pe.header(Pe.AMD64));
            Volume.Listing sxs = v.list("/Windows/WinSxS", 1000).orElseThrow();
            assertThat(sxs.entries()).hasSize(700);
            assertThat(v.readFile("/Windows/WinSxS/amd64_component-with-a-long-name_0.manifest", 10).map(String::new)).contains("m0");
            assertThat(v.readFile("/Windows/WinSxS/amd64_component-with-a-long-name_699.manifest", 10).map(String::new)).contains("m699");
            assertThat(v.lookup("/Windows/WinSxS/amd64_component-with-a-long-name_700.manifest")).isEmpty();
            Volume.Node sparse = v.lookup("/sparse.dat").orElseThrow();
            assertThat(v.read(sparse, 20L << 20, 3000)).isEqualTo(sparseTail);
            assertThat(v.read(sparse, 1 << 20, 16)).containsOnly(0);
            assertThat(Arrays.equals(v.read(sparse, 0, 4), new byte[4])).isTrue();
        }
    }
}
