package dev.vm2ami.image.testing;

import dev.vm2ami.sampleimages.Elf;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Directory trees on the local disk that the mkfs tools copy into the file systems under test. */
public final class Trees {
    public static final String OS_RELEASE = "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n";

    private Trees() {}

    /** Deterministic contents: byte i of file {@code seed} is a function of both. */
    public static byte[] pattern(int seed, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte) (i * 31 + seed * 7 + (i >> 9));
        return b;
    }

    public static void write(Path root, String path, byte[] content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    public static void write(Path root, String path, String content) throws IOException {
        write(root, path, content.getBytes(StandardCharsets.UTF_8));
    }

    public static void link(Path root, String path, String target) throws IOException {
        Path link = root.resolve(path);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of(target));
    }

    /** A sparse file of {@code length} bytes with {@code chunk} bytes of pattern every {@code stride} bytes (many extents). */
    public static byte[] holey(Path root, String path, int chunk, int stride, int chunks) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        byte[] expected = new byte[stride * chunks];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            for (int i = 0; i < chunks; i++) {
                byte[] data = pattern(i + 1, chunk);
                f.seek((long) i * stride);
                f.write(data);
                System.arraycopy(data, 0, expected, i * stride, chunk);
            }
            f.setLength((long) stride * chunks);
        }
        return expected;
    }

    /**
     * The tree every file-system test reads: an os-release, a /bin -> usr/bin link to an ELF
     * binary, absolute, relative, long and looping links, nested directories and a big file.
     */
    public static void linuxLike(Path root) throws IOException {
        write(root, "etc/os-release", OS_RELEASE);
        write(root, "etc/fstab", "UUID=0a1b2c3d-0000-4000-8000-000000000001 / ext4 defaults 0 1\n");
        write(root, "usr/bin/bash", Elf.header(Elf.X86_64, 64));
        write(root, "usr/lib/modules/6.1.0-18-amd64/kernel/drivers/net/ethernet/amazon/ena/ena.ko", "ena module");
        link(root, "bin", "usr/bin");
        link(root, "lib", "usr/lib");
        link(root, "etc/alternatives/sh", "/usr/bin/bash");
        link(root, "usr/share/up", "../../etc");
        link(root, "loop1", "loop2");
        link(root, "loop2", "loop1");
        link(root, "dangling", "/nowhere/at/all");
        link(root, "etc/long-link", "/usr/lib/modules/6.1.0-18-amd64/kernel/drivers/net/ethernet/amazon/ena/ena.ko");
        write(root, "big/file", pattern(99, 3 * 1024 * 1024 + 123));
    }
}
