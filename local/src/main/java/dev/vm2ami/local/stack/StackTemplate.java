package dev.vm2ami.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vm2ami.infra.Vm2amiApp;
import dev.vm2ami.job.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The CloudFormation template of the pipeline stack, as {@code cdk synth} makes it: the CDK app
 * ({@link Vm2amiApp}) runs in a JVM of its own with cdk.json's context plus the local settings in
 * {@code CDK_CONTEXT_JSON} and writes its cloud assembly to {@code CDK_OUTDIR}, which is what the CDK
 * CLI does. Synthesis takes 15-25 s (jsii starts Node), so templates are cached by a hash of the
 * context, the functions artifact and the app's classes: a second start with the same inputs reads the
 * cached file.
 */
public final class StackTemplate {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LIMIT_MINUTES = 5;
    private static final String CDK_JSON = "dev/vm2ami/infra/cdk.json";

    private StackTemplate() {}

    /**
     * The template for cdk.json's configuration with {@code settings} layered over its vm2ami block.
     *
     * @param settings  vm2ami configuration keys (stackName, imagePrefix, ...) as in cdk.json
     * @param artifact  the folder with the functions' zips (one per function, PipelineFunction.zipName)
     * @param cacheDir  where synthesized templates are kept
     */
    public static JsonNode synthesize(Map<String, Object> settings, Path artifact, Path cacheDir) throws IOException {
        ObjectNode context = (ObjectNode) JSON.readTree(resource(CDK_JSON)).path("context").deepCopy();
        context.put("aws:cdk:enable-path-metadata", true); // as the CDK CLI passes it: construct paths name local resources
        ObjectNode vm2ami = (ObjectNode) context.path("vm2ami");
        settings.forEach((k, v) -> vm2ami.set(k, JSON.valueToTree(v)));
        String contextJson = JSON.writeValueAsString(context);
        String key = Sha256.hex(contextJson + "|" + zipsContentHash(artifact) + "|" + appHash());
        Path cached = cacheDir.resolve(key + ".template.json");
        if (Files.isRegularFile(cached)) return JSON.readTree(cached.toFile());

        Files.createDirectories(cacheDir);
        Path outdir = Files.createTempDirectory(cacheDir, "synth-");
        try {
            run(contextJson, artifact, outdir);
            String stackName = vm2ami.path("stackName").asText("vm2ami");
            Path template = outdir.resolve(stackName + ".template.json");
            if (!Files.isRegularFile(template)) throw new IOException("the CDK app wrote no " + template.getFileName());
            Path partial = Files.createTempFile(cacheDir, key, ".part");
            Files.copy(template, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return JSON.readTree(cached.toFile());
        } finally {
            deleteRecursively(outdir);
        }
    }

    /** Where templates are cached unless -Dvm2ami.templateCache says otherwise: ~/.cache/vm2ami/templates. */
    public static Path defaultCache() {
        String configured = System.getProperty("vm2ami.templateCache");
        if (configured != null && !configured.isBlank()) return Path.of(configured);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("vm2ami").resolve("templates");
    }

    private static void run(String contextJson, Path artifact, Path outdir) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(),
                "-D" + Vm2amiApp.ZIPS_PROPERTY + "=" + artifact.toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), Vm2amiApp.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(outdir.toFile());
        builder.environment().put("CDK_OUTDIR", outdir.toString());
        builder.environment().put("CDK_CONTEXT_JSON", contextJson);
        builder.environment().remove("CDK_DEFAULT_ACCOUNT"); // environment-agnostic, as the local cloud is one account
        builder.environment().remove("CDK_DEFAULT_REGION");
        Path log = outdir.resolve("synth.log");
        builder.redirectOutput(log.toFile());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("could not run the CDK app to synthesize the stack: " + e.getMessage(), e);
        }
        try {
            if (!process.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("synthesizing the stack took longer than " + LIMIT_MINUTES + " minutes");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while synthesizing the stack", e);
        }
        if (process.exitValue() != 0) {
            String output = Files.readString(log, StandardCharsets.UTF_8).strip();
            String hint = output.contains("node") || output.contains("jsii")
                    ? " (the CDK needs Node.js on PATH: apt-get install nodejs)" : "";
            throw new IOException("synthesizing the stack failed" + hint + ":\n" + tail(output, 40));
        }
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    private static String fileHash(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Each function's zip's {@link #zipContentHash}. */
    private static String zipsContentHash(Path folder) throws IOException {
        StringBuilder all = new StringBuilder();
        for (dev.vm2ami.wiring.PipelineFunction f : dev.vm2ami.wiring.PipelineFunction.values()) {
            Path zip = folder.resolve(f.zipName());
            if (!Files.isRegularFile(zip)) {
                throw new IOException("The " + f.id() + " function's zip " + zip + " does not exist. "
                        + "Build the zips first: ./mvnw -B -pl functions package -DskipTests (./vm2ami does this for you).");
            }
            all.append(f.zipName()).append('=').append(zipContentHash(zip)).append('\n');
        }
        return Sha256.hex(all.toString());
    }

    /** A zip's entries and contents, not its bytes: a rebuild of the same code writes new timestamps. */
    private static String zipContentHash(Path zip) throws IOException {
        MessageDigest digest = sha256();
        try (java.util.zip.ZipFile file = new java.util.zip.ZipFile(zip.toFile())) {
            for (java.util.zip.ZipEntry entry : java.util.Collections.list(file.entries()).stream()
                    .filter(e -> !e.isDirectory() && !e.getName().startsWith("META-INF/maven/"))
                    .sorted(Comparator.comparing(java.util.zip.ZipEntry::getName)).toList()) {
                digest.update(entry.getName().getBytes(StandardCharsets.UTF_8));
                digest.update(Long.toString(entry.getCrc()).getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The app's own code: its jar, or its class files when it runs from target/classes. */
    private static String appHash() throws IOException {
        Path source;
        try {
            source = Path.of(Vm2amiApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the CDK app's classes", e);
        }
        MessageDigest digest = sha256();
        if (Files.isRegularFile(source)) {
            // The entries, not the jar's bytes: a rebuild of the same classes writes new timestamps.
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(source.toFile())) {
                for (java.util.jar.JarEntry entry : java.util.Collections.list(jar.entries()).stream()
                        .filter(e -> !e.isDirectory() && !e.getName().startsWith("META-INF/"))
                        .sorted(Comparator.comparing(java.util.zip.ZipEntry::getName)).toList()) {
                    digest.update(entry.getName().getBytes(StandardCharsets.UTF_8));
                    try (InputStream in = jar.getInputStream(entry)) {
                        digest.update(in.readAllBytes());
                    }
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                digest.update(source.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                digest.update(Files.readAllBytes(f));
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = StackTemplate.class.getClassLoader().getResourceAsStream(name);
        if (in == null) throw new IOException(name + " is missing from the classpath (the infra-cdk jar ships it)");
        return in;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
