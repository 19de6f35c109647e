package dev.vm2ami.image.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A protofile for {@code mkfs.xfs -p}, describing a directory tree on the local disk (no mount needed). */
public final class XfsProto {
    private XfsProto() {}

    public static String of(Path root) throws IOException {
        return of(root, "");
    }

    /** The tree under {@code root}, plus {@code extra} protofile lines in the root directory. */
    public static String of(Path root, String extra) throws IOException {
        StringBuilder p = new StringBuilder("/dev/null\n0 0\nd--755 0 0\n");
        entries(root, p, 1);
        return p.append(extra).append("$\n").toString();
    }

    private static void entries(Path dir, StringBuilder p, int depth) throws IOException {
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.sorted().toList();
        }
        String indent = " ".repeat(depth);
        for (Path c : children) {
            String name = c.getFileName().toString();
            if (Files.isSymbolicLink(c)) {
                p.append(indent).append(name).append(" l--777 0 0 ").append(Files.readSymbolicLink(c)).append('\n');
            } else if (Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
                p.append(indent).append(name).append(" d--755 0 0\n");
                entries(c, p, depth + 1);
                p.append(indent).append("$\n");
            } else {
                p.append(indent).append(name).append(" ---644 0 0 ").append(c.toAbsolutePath()).append('\n');
            }
        }
    }
}
