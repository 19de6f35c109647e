package dev.vm2ami.architecture;

import dev.vm2ami.image.verdict.ImageInspector;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The functions' package graph, read from the compiled classes (what {@code jdeps -verbose:package}
 * shows): no cycles among vm2ami's packages, the image library in layers and free of AWS and of the
 * pipeline, {@code wiring} on the ground floor.
 */
class PackageGraphTest {
    private static final String ROOT = "dev.vm2ami.";
    /** The image library's layers, lowest first: each may use only the ones before it. */
    private static final List<String> IMAGE_LAYERS = List.of("finding", "read", "container", "convert", "partition", "fs", "os.windows", "os", "verdict")
            .stream().map(l -> "dev.vm2ami.image." + l).toList();

    /** In this class's constant pool as a string, which must not count as a use of a class. */
    private static final String DESCRIPTOR_LIKE_LITERAL = "Ldev/vm2ami/image/finding/NotAClass;";

    private final Map<String, Set<String>> graph = vm2amiGraph();

    @Test
    void readsTheGraphOfEveryPackage() {
        assertThat(graph).containsKeys(IMAGE_LAYERS.toArray(String[]::new));
        assertThat(graph).containsKeys("dev.vm2ami.inspect", "dev.vm2ami.job", "dev.vm2ami.wiring", "dev.vm2ami.config");
        assertThat(graph.get("dev.vm2ami.image.verdict")).contains("dev.vm2ami.image.container", "dev.vm2ami.image.partition");
        assertThat(graph.get("dev.vm2ami.inspect")).contains("dev.vm2ami.image.verdict", "dev.vm2ami.job");
    }

    @Test
    void hasNoCycleAmongVm2amiPackages() {
        assertThat(cycles(graph)).isEmpty();
    }

    @Test
    void wiringIsTheGroundFloor() {
        assertThat(graph.get("dev.vm2ami.wiring")).as("wiring uses no other vm2ami package but the image library")
                .allMatch(p -> p.startsWith("dev.vm2ami.image."));
    }

    @Test
    void imageLayersUseOnlyTheLayersBelowThem() {
        List<String> upward = new ArrayList<>();
        for (int i = 0; i < IMAGE_LAYERS.size(); i++) {
            String layer = IMAGE_LAYERS.get(i);
            for (String used : graph.getOrDefault(layer, Set.of())) {
                int j = IMAGE_LAYERS.indexOf(used);
                if (j > i) upward.add(layer + " -> " + used);
            }
        }
        assertThat(upward).isEmpty();
        assertThat(graph.keySet().stream().filter(p -> p.startsWith("dev.vm2ami.image.")))
                .as("every package of the image library is one of its layers").allMatch(IMAGE_LAYERS::contains);
    }

    @Test
    void imageLibraryKnowsNothingOfAwsOrOfThePipeline() throws Exception {
        Map<String, Set<String>> all = ClassReferences.packageGraph(classes());
        List<String> forbidden = new ArrayList<>();
        all.forEach((from, to) -> {
            if (!from.startsWith("dev.vm2ami.image.")) return;
            for (String used : to) {
                boolean aws = used.startsWith("software.amazon.") || used.startsWith("com.amazonaws.");
                boolean pipeline = used.startsWith(ROOT) && !used.startsWith("dev.vm2ami.image.");
                if (aws || pipeline) forbidden.add(from + " -> " + used);
            }
        });
        assertThat(forbidden).isEmpty();
    }

    @Test
    void theCycleFinderFindsACycle() {
        Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(cycles(g)).containsExactly(new TreeSet<>(Set.of("a", "b", "c")));
    }

    @Test
    void theClassReaderSeesDescriptorsAndSignaturesButNotStringLiterals() throws IOException {
        Set<String> refs;
        try (InputStream in = PackageGraphTest.class.getResourceAsStream("PackageGraphTest.class")) {
            refs = ClassReferences.referencedClasses(in);
        }
        assertThat(refs).contains("dev/vm2ami/image/verdict/ImageInspector", "java/util/Map", "org/junit/jupiter/api/Test");
        assertThat(DESCRIPTOR_LIKE_LITERAL).startsWith("L");
        assertThat(refs).doesNotContain("dev/vm2ami/image/finding/NotAClass");
        byte[] notAClass = {1, 2, 3, 4};
        assertThatThrownBy(() -> ClassReferences.referencedClasses(new ByteArrayInputStream(notAClass)))
                .isInstanceOf(IOException.class);
    }

    /** Strongly connected components with more than one package (Tarjan). */
    static List<Set<String>> cycles(Map<String, Set<String>> g) {
        List<Set<String>> out = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        int[] counter = {0};
        for (String v : new TreeSet<>(g.keySet())) {
            if (!index.containsKey(v)) connect(v, g, index, low, stack, onStack, counter, out);
        }
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> g, Map<String, Integer> index, Map<String, Integer> low,
                                Deque<String> stack, Set<String> onStack, int[] counter, List<Set<String>> out) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : g.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, g, index, low, stack, onStack, counter, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) out.add(component);
        }
    }

    /** Only edges between vm2ami's own packages. */
    private static Map<String, Set<String>> vm2amiGraph() {
        try {
            Map<String, Set<String>> out = new TreeMap<>();
            ClassReferences.packageGraph(classes()).forEach((from, to) -> {
                if (!from.startsWith(ROOT)) return;
                out.put(from, new TreeSet<>(to.stream().filter(p -> p.startsWith(ROOT)).toList()));
            });
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The functions' compiled main classes (target/classes), wherever the build put them. */
    private static Path classes() {
        try {
            return Path.of(ImageInspector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
