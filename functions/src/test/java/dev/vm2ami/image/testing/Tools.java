package dev.vm2ami.image.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the tools people make file systems with (mkfs.*, mtools, ntfs-3g, LVM, hivex) from tests.
 * A test that needs a missing tool is skipped with a notice naming the Debian package; .ci/run
 * installs them all.
 */
public final class Tools {
    private static final Map<String, String> PACKAGES = Map.ofEntries(
            Map.entry("mkfs.ext4", "e2fsprogs"), Map.entry("mkfs.ext3", "e2fsprogs"), Map.entry("mkfs.ext2", "e2fsprogs"),
            Map.entry("e2fsck", "e2fsprogs"), Map.entry("debugfs", "e2fsprogs"),
            Map.entry("mkfs.xfs", "xfsprogs"), Map.entry("xfs_db", "xfsprogs"),
            Map.entry("mkntfs", "ntfs-3g"), Map.entry("ntfscp", "ntfs-3g"), Map.entry("ntfs-3g", "ntfs-3g"),
            Map.entry("mkfs.vfat", "dosfstools"), Map.entry("mcopy", "mtools"), Map.entry("mmd", "mtools"),
            Map.entry("pvcreate", "lvm2"), Map.entry("vgcreate", "lvm2"), Map.entry("lvcreate", "lvm2"),
            Map.entry("pvs", "lvm2"), Map.entry("lvs", "lvm2"), Map.entry("losetup", "mount"),
            Map.entry("hivexget", "libhivex-bin"), Map.entry("sgdisk", "gdisk"), Map.entry("sfdisk", "fdisk"));

    private Tools() {}

    public static Path find(String tool) {
        for (String p : (System.getenv("PATH") + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(p, tool);
            if (!p.isEmpty() && Files.isExecutable(candidate)) return candidate;
        }
        return null;
    }

    public static boolean has(String... tools) {
        for (String t : tools) if (find(t) == null) return false;
        return true;
    }

    /** Skips the calling test (with the package to install) unless every tool is present. */
    public static void require(String... tools) {
        for (String t : tools) {
            assumeTrue(find(t) != null, t + " is not installed (Debian package " + PACKAGES.getOrDefault(t, "?") + "): skipped");
        }
    }

    /** Runs a command in {@code dir}; its output, or an exception with the output when it fails. */
    public static String run(Path dir, String... command) throws IOException, InterruptedException {
        return run(dir, null, command);
    }

    public static String run(Path dir, byte[] stdin, String... command) throws IOException, InterruptedException {
        String out = tryRun(dir, stdin, command).orElseThrow();
        return out;
    }

    /** Like {@link #run}, but a non-zero exit gives a failed result instead of an exception. */
    public static Result tryRun(Path dir, byte[] stdin, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Path exe = find(cmd.get(0));
        if (exe != null) cmd.set(0, exe.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
        Process p = pb.start();
        if (stdin != null) p.getOutputStream().write(stdin);
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        return new Result(String.join(" ", command), p.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    public record Result(String command, int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }

        public String orElseThrow() throws IOException {
            if (exit != 0) throw new IOException(command + " exited with " + exit + ": " + output);
            return output;
        }
    }

    /** A sparse file of {@code size} bytes. */
    public static Path sparseFile(Path file, long size) throws IOException {
        try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        return file;
    }
}
