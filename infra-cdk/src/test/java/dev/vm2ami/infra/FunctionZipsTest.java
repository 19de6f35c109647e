package dev.vm2ami.infra;

import dev.vm2ami.wiring.PipelineFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each function's zip, as the build made it: it has every class its handler's code reaches and, of the
 * optional libraries, exactly those {@link PipelineFunction#libraries()} lists. The local cloud runs each
 * function from its own zip, so the scenario tests check the rest (what is loaded by reflection).
 */
class FunctionZipsTest {
    static final Path ZIPS = Path.of(System.getProperty(Vm2amiApp.ZIPS_PROPERTY, Vm2amiApp.DEFAULT_ZIPS));
    private static final String PROJECT = "dev/vm2ami/";
    /** Packages the JDK has (Lambda's java21 runtime is a full JDK). */
    private static final Set<String> JDK_PACKAGES = jdkPackages();

    @ParameterizedTest
    @EnumSource(PipelineFunction.class)
    void theZipHasEveryClassTheHandlersCodeReaches(PipelineFunction f) throws IOException {
        ZipClasses zip = ZipClasses.read(ZIPS.resolve(f.zipName()), true);
        Set<String> missing = new TreeSet<>();
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(f.handlerClassName().replace('.', '/')));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (!seen.add(name) || isJdk(name)) continue;
            byte[] bytes = zip.classes.get(name);
            if (bytes == null) {
                missing.add(name);
                continue;
            }
            ClassRefs refs = ClassRefs.parse(bytes, name);
            // The project's own code is followed through everything it references; a library class only
            // through its supertypes, which loading it needs (its own optional references are the library's business).
            todo.addAll(name.startsWith(PROJECT) ? refs.all : refs.supertypes);
        }
        assertThat(missing).as("classes the " + f.id() + " handler's code reaches that " + f.zipName() + " lacks").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(PipelineFunction.class)
    void theZipCarriesExactlyTheOptionalLibrariesTheFunctionLists(PipelineFunction f) throws IOException {
        ZipClasses zip = ZipClasses.read(ZIPS.resolve(f.zipName()), false);
        Set<PipelineFunction.Library> carried = EnumSet.noneOf(PipelineFunction.Library.class);
        for (PipelineFunction.Library library : PipelineFunction.Library.values()) {
            String jar = "lib/" + library.artifactId() + "-";
            boolean asJar = zip.entries.stream().anyMatch(e -> e.startsWith(jar) && e.endsWith(".jar"));
            boolean unpacked = library == PipelineFunction.Library.ZSTD && zip.entries.contains("com/github/luben/zstd/Zstd.class");
            if (asJar || unpacked) carried.add(library);
        }
        assertThat(carried).as(f.zipName()).isEqualTo(f.libraries());
        assertThat(zip.entries).as("the converter's zstd natives: linux arm64 and x86_64 only")
                .filteredOn(e -> e.endsWith(".so") || e.endsWith(".dll") || e.endsWith(".dylib"))
                .allMatch(e -> e.startsWith("linux/aarch64/") || e.startsWith("linux/amd64/"));
        assertThat(zip.entries).as("the test-image builders are test code")
                .noneMatch(e -> e.startsWith("dev/vm2ami/sampleimages/") && e.endsWith(".class"));
    }

    @ParameterizedTest
    @EnumSource(value = PipelineFunction.class, names = {"START", "INSPECT", "NOTIFY"})
    void theStartInspectAndNotifyFunctionsCarryNoEc2Sdk(PipelineFunction f) throws IOException {
        ZipClasses zip = ZipClasses.read(ZIPS.resolve(f.zipName()), false);
        assertThat(zip.classes.keySet()).as(f.zipName()).noneMatch(c -> c.startsWith("software/amazon/awssdk/services/ec2/"));
        assertThat(zip.entries).noneMatch(e -> e.startsWith("lib/ec2-"));
    }

    private static boolean isJdk(String name) {
        String binary = name.startsWith("[") ? "" : name;
        int slash = binary.lastIndexOf('/');
        return slash > 0 && JDK_PACKAGES.contains(binary.substring(0, slash).replace('/', '.'));
    }

    private static Set<String> jdkPackages() {
        Set<String> packages = new HashSet<>();
        ModuleLayer.boot().modules().forEach(m -> packages.addAll(m.getPackages()));
        return packages;
    }

    /**
     * The class files of a zip in Lambda's layout: at the root and in the jars in lib/ (their names, and
     * their bytes when asked for: reading them all is what takes the time).
     */
    record ZipClasses(Set<String> entries, Map<String, byte[]> classes) {
        private static final byte[] NOT_READ = new byte[0];

        static ZipClasses read(Path path, boolean withBytes) throws IOException {
            assertThat(path).as("the function's zip (build it: ./mvnw -B -pl functions package)").isRegularFile();
            Set<String> entries = new LinkedHashSet<>();
            Map<String, byte[]> classes = new HashMap<>();
            try (ZipFile zip = new ZipFile(path.toFile())) {
                for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                    entries.add(e.getName());
                    if (e.isDirectory()) continue;
                    try (InputStream in = zip.getInputStream(e)) {
                        if (e.getName().endsWith(".class")) {
                            classes.put(e.getName().substring(0, e.getName().length() - 6), withBytes ? in.readAllBytes() : NOT_READ);
                        } else if (e.getName().startsWith("lib/") && e.getName().endsWith(".jar")) {
                            readJar(in, classes, withBytes);
                        }
                    }
                }
            }
            return new ZipClasses(entries, classes);
        }

        private static void readJar(InputStream in, Map<String, byte[]> classes, boolean withBytes) throws IOException {
            ZipInputStream jar = new ZipInputStream(in);
            for (ZipEntry e; (e = jar.getNextEntry()) != null; ) {
                String name = e.getName();
                // Multi-release jars: the base version is what a class loader without MR support sees first.
                if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                    classes.putIfAbsent(name.substring(0, name.length() - 6), withBytes ? jar.readAllBytes() : NOT_READ);
                }
            }
        }
    }

    /**
     * The classes a class file names in its constant pool: CONSTANT_Class entries and the types in the
     * descriptors of the members and method types it refers to; and its superclass and interfaces.
     */
    record ClassRefs(Set<String> all, List<String> supertypes) {
        static ClassRefs parse(byte[] bytes, String name) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            if (in.readInt() != 0xCAFEBABE) throw new IOException(name + " is not a class file");
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            int[] classIndex = new int[count];
            List<Integer> descriptorIndexes = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7 -> classIndex[i] = in.readUnsignedShort();
                    case 8, 16, 19, 20 -> {
                        int index = in.readUnsignedShort();
                        if (tag == 16) descriptorIndexes.add(index); // MethodType
                    }
                    case 12 -> { // NameAndType
                        in.readUnsignedShort();
                        descriptorIndexes.add(in.readUnsignedShort());
                    }
                    case 3, 4, 9, 10, 11, 17, 18 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++; // 8-byte constants take two slots
                    }
                    case 15 -> {
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                    }
                    default -> throw new IOException(name + ": unknown constant pool tag " + tag + " at " + i);
                }
            }
            in.readUnsignedShort(); // access flags
            in.readUnsignedShort(); // this class
            List<String> supertypes = new ArrayList<>();
            int superIndex = in.readUnsignedShort();
            if (superIndex != 0) supertypes.add(className(utf8, classIndex, superIndex, name));
            int interfaces = in.readUnsignedShort();
            for (int i = 0; i < interfaces; i++) supertypes.add(className(utf8, classIndex, in.readUnsignedShort(), name));
            Set<String> all = new LinkedHashSet<>(supertypes);
            for (int i = 1; i < count; i++) {
                if (classIndex[i] != 0) {
                    String value = utf8(utf8, classIndex[i], name);
                    if (value.startsWith("[")) typesIn(value, all); else all.add(value);
                }
            }
            for (int index : descriptorIndexes) typesIn(utf8(utf8, index, name), all);
            return new ClassRefs(all, supertypes);
        }

        private static String className(String[] utf8, int[] classIndex, int index, String name) throws IOException {
            if (index <= 0 || index >= classIndex.length || classIndex[index] == 0) throw new IOException(name + ": bad class index " + index);
            return utf8(utf8, classIndex[index], name);
        }

        private static String utf8(String[] utf8, int index, String name) throws IOException {
            if (index <= 0 || index >= utf8.length || utf8[index] == null) throw new IOException(name + ": bad UTF-8 index " + index);
            return utf8[index];
        }

        /** The class names in a field or method descriptor (or an array class's name): {@code (ILa/b/C;)[Ld/E;}. */
        private static void typesIn(String text, Set<String> out) {
            for (int i = text.indexOf('L'); i >= 0; i = text.indexOf('L', i)) {
                // an L starts a class type only after a descriptor character; skip any inside names
                boolean start = i == 0 || "([);BCDFIJSZV".indexOf(text.charAt(i - 1)) >= 0;
                int end = text.indexOf(';', i);
                if (end < 0) return;
                if (start) out.add(text.substring(i + 1, end));
                i = start ? end + 1 : i + 1;
            }
        }
    }
}
