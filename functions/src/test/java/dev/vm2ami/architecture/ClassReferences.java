package dev.vm2ami.architecture;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The classes each compiled class refers to, read from its constant pool (class entries, field and
 * method descriptors, generic signatures, annotations): what jdeps sees, without a dependency on
 * a bytecode library. String literals are left out: a text that names a class is not a use of it.
 */
final class ClassReferences {
    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([\\w/$]+)[;<]");

    private ClassReferences() {}

    /** Package of each class under {@code classes} -> the packages (dot-separated) its classes refer to. */
    static Map<String, Set<String>> packageGraph(Path classes) throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('\\', '/');
                if (name.endsWith("package-info.class") || name.endsWith("module-info.class")) continue;
                String from = packageOf(name.substring(0, name.length() - ".class".length()));
                Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
                try (InputStream in = Files.newInputStream(f)) {
                    for (String referenced : referencedClasses(in)) to.add(packageOf(referenced));
                }
                to.remove(from);
            }
        }
        return graph;
    }

    /** Internal names (a/b/C) of the classes a class file refers to. */
    static Set<String> referencedClasses(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        if (in.readInt() != 0xCAFEBABE) throw new IOException("not a class file");
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        Map<Integer, String> utf8 = new HashMap<>();
        Set<Integer> classNames = new HashSet<>();
        Set<Integer> literals = new HashSet<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8.put(i, in.readUTF());
                case 7 -> classNames.add(in.readUnsignedShort());
                case 8 -> literals.add(in.readUnsignedShort());
                case 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> in.skipNBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> {
                    in.skipNBytes(8);
                    i++; // longs and doubles take two entries
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
            }
        }
        Set<String> out = new TreeSet<>();
        utf8.forEach((index, text) -> {
            if (classNames.contains(index) && !text.startsWith("[")) {
                out.add(text); // a class entry, even when a string literal shares its text
                return;
            }
            if (literals.contains(index)) return;
            Matcher m = DESCRIPTOR_CLASS.matcher(text);
            while (m.find()) out.add(m.group(1));
        });
        return out;
    }

    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
    }
}
