package dev.vm2ami.image.os;

import dev.vm2ami.image.fs.Volume;
import dev.vm2ami.image.read.StructureException;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An operating system's file tree: its root volume with the separate volumes fstab mounts on it
 * (/boot, /boot/efi, /usr), resolved the way the kernel would, one component at a time, so a
 * link on the root (/sbin/init -> /lib/systemd/systemd, /boot/grub -> ...) may lead onto another
 * volume and back.
 */
final class FileTree {
    private static final int MAX_HOPS = Volume.MAX_SYMLINK_HOPS;
    private static final int MAX_STEPS = Volume.MAX_PATH_STEPS;

    private final Volume root;
    /** Mount point ("/boot") to volume, longest first. */
    private final Map<String, Volume> mounts = new LinkedHashMap<>();

    /** Where a path ended up: the volume that holds it, the path inside that volume, and its node. */
    record Found(Volume volume, String pathInVolume, Volume.Node node) {
    }

    FileTree(Volume root, Map<String, Volume> mounts) {
        this.root = root;
        mounts.entrySet().stream().sorted((a, b) -> Integer.compare(b.getKey().length(), a.getKey().length()))
                .forEach(e -> this.mounts.put(e.getKey(), e.getValue()));
    }

    Volume rootVolume() {
        return root;
    }

    Optional<Found> resolve(String path, boolean followLast) throws IOException, StructureException {
        Deque<String> todo = new ArrayDeque<>(components(path));
        List<String> done = new ArrayList<>();
        int hops = 0;
        int steps = 0;
        Found last = null;
        while (!todo.isEmpty()) {
            if (++steps > MAX_STEPS) throw StructureException.limit("resolving " + path + " took more than " + MAX_STEPS + " steps");
            String c = todo.pollFirst();
            if (c.equals("..")) {
                if (!done.isEmpty()) done.remove(done.size() - 1);
                last = null;
                continue;
            }
            List<String> candidate = new ArrayList<>(done);
            candidate.add(c);
            String absolute = "/" + String.join("/", candidate);
            Volume volume = root;
            String inVolume = absolute;
            for (Map.Entry<String, Volume> m : mounts.entrySet()) {
                if (absolute.equals(m.getKey()) || absolute.startsWith(m.getKey() + "/")) {
                    volume = m.getValue();
                    inVolume = absolute.length() == m.getKey().length() ? "/" : absolute.substring(m.getKey().length());
                    break;
                }
            }
            Optional<Volume.Node> node = volume.lookupNoFollow(inVolume);
            if (node.isEmpty()) return Optional.empty();
            if (node.get().kind() == Volume.Kind.SYMLINK && (followLast || !todo.isEmpty())) {
                if (++hops > MAX_HOPS) throw StructureException.limit("resolving " + path + " meets more than " + MAX_HOPS + " symbolic links");
                String target = volume.readLink(inVolume).orElse("");
                if (target.isEmpty()) return Optional.empty();
                if (target.startsWith("/")) done.clear();
                List<String> parts = components(target);
                for (int i = parts.size() - 1; i >= 0; i--) todo.addFirst(parts.get(i));
                if (todo.size() > MAX_STEPS) throw StructureException.limit("resolving " + path + ": links expand past " + MAX_STEPS + " components");
                last = null;
                continue;
            }
            done = candidate;
            last = new Found(volume, inVolume, node.get());
        }
        if (done.isEmpty()) return Optional.of(new Found(root, "/", root.root()));
        // Ended on "..": look the (now canonical, link-free) path up again.
        if (last == null) return resolve("/" + String.join("/", done), false);
        return Optional.of(last);
    }

    Optional<Volume.Node> lookup(String path) throws IOException, StructureException {
        return resolve(path, true).map(Found::node);
    }

    boolean isDirectory(String path) throws IOException, StructureException {
        return lookup(path).map(Volume.Node::isDirectory).orElse(false);
    }

    boolean isFile(String path) throws IOException, StructureException {
        return lookup(path).map(Volume.Node::isFile).orElse(false);
    }

    Optional<String> readLink(String path) throws IOException, StructureException {
        Optional<Found> f = resolve(path, false);
        if (f.isEmpty() || f.get().node().kind() != Volume.Kind.SYMLINK) return Optional.empty();
        return f.get().volume().readLink(f.get().pathInVolume());
    }

    /** The first {@code max} bytes of the regular file at {@code path}. */
    Optional<byte[]> read(String path, int max) throws IOException, StructureException {
        Optional<Found> f = resolve(path, true);
        if (f.isEmpty() || !f.get().node().isFile()) return Optional.empty();
        return Optional.of(f.get().volume().read(f.get().node(), 0, max));
    }

    /** Up to {@code max} names in the directory at {@code path}. */
    List<String> list(String path, int max) throws IOException, StructureException {
        Optional<Found> f = resolve(path, true);
        if (f.isEmpty() || !f.get().node().isDirectory()) return List.of();
        return f.get().volume().list(f.get().node(), max).names();
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) if (!c.isEmpty() && !c.equals(".")) out.add(c);
        return out;
    }
}
