package dev.vm2ami.local.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vm2ami.wiring.PipelineFunction;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Runs Lambda invocations for the local cloud. moto's Lambda backend posts each invocation here
 * (function name, handler, timeout, environment, event); the host hands it to a warm worker of
 * that function or starts one, up to a per-function limit, and answers with the payload.
 */
public final class FunctionHost implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long an invocation waits for a busy function before it is throttled (TooManyRequestsException). */
    static final java.time.Duration THROTTLE_AFTER = java.time.Duration.ofSeconds(30);
    /** Workers are retired this long before their role credentials expire (the local cloud renews them 15 minutes ahead). */
    static final java.time.Duration CREDENTIALS_MARGIN = java.time.Duration.ofMinutes(10);

    private final WorkerLaunch launch;
    private final Path functions;
    private final Path workDirectory;
    /** Each zip's unpacked task root, unpacked as the host starts (or at the first invocation that needs it first). */
    private final Map<Path, Path> taskRoots = new ConcurrentHashMap<>();
    private final int maxWorkersPerFunction;
    private final Map<String, WorkerPool> pools = new ConcurrentHashMap<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "function-host");
        t.setDaemon(true);
        return t;
    });

    private FunctionHost(WorkerLaunch launch, Path functions, Path workDirectory, int maxWorkersPerFunction) throws IOException {
        this.launch = launch;
        this.functions = functions;
        this.workDirectory = workDirectory;
        this.maxWorkersPerFunction = maxWorkersPerFunction;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/invoke", this::handleInvoke);
        server.createContext("/prepare", this::handlePrepare);
        server.start();
        unpackInBackground();
    }

    /**
     * Lambda has a function's code in place when the deployment ends, so no first invocation should wait for
     * an unzip: every zip starts unpacking as the host starts, while the stack deploys. An invocation that
     * comes first waits for its own zip only; a zip that fails to unpack fails the invocations that need it.
     */
    private void unpackInBackground() {
        if (!Files.isDirectory(functions)) return;
        for (PipelineFunction f : PipelineFunction.values()) {
            Path zip = functions.resolve(f.zipName());
            if (!Files.isRegularFile(zip)) continue;
            executor.execute(() -> {
                try {
                    taskRoot(zip);
                } catch (IOException | RuntimeException e) {
                    // Reported by the invocation that needs this zip: taskRoot tries again there.
                }
            });
        }
    }

    /**
     * Starts a host for the functions' zips, what Lambda would receive: each pipeline function runs from its
     * own zip (PipelineFunction.zipName, found by its handler), unpacked as /var/task, so a zip that lacks a
     * class its function loads fails here as on Lambda.
     *
     * @param functions        the folder with the functions' zips; or one zip every function runs from
     *                         (the host's own tests, with test handlers)
     * @param cloudEnvironment what every function sees besides its own environment: the local
     *                         cloud's AWS_ENDPOINT_URL and credentials
     */
    public static FunctionHost start(Path functions, Path workDirectory, Map<String, String> cloudEnvironment,
                                     int maxWorkersPerFunction) throws IOException {
        return start(functions, workDirectory, cloudEnvironment, maxWorkersPerFunction, false);
    }

    /**
     * @param snapStart workers start the way a SnapStart version's execution environment is made:
     *                  the runtime client runs the functions' beforeCheckpoint hooks (their priming)
     *                  after init and waits at its snapshot point until an invocation needs it; see
     *                  {@link #prepare}
     */
    public static FunctionHost start(Path functions, Path workDirectory, Map<String, String> cloudEnvironment,
                                     int maxWorkersPerFunction, boolean snapStart) throws IOException {
        if (!Files.isRegularFile(functions) && !Files.isDirectory(functions)) {
            throw new IOException("The functions' zips " + functions + " do not exist. "
                    + "Build them first: ./mvnw -B -pl functions package -DskipTests (./vm2ami does this for you).");
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        WorkerLaunch launch = new WorkerLaunch(java, runtimeClasspath(), nativeClient(workDirectory),
                Map.copyOf(cloudEnvironment), workDirectory.resolve("logs"), snapStart);
        return new FunctionHost(launch, functions, workDirectory, maxWorkersPerFunction);
    }

    /** The zip a function runs from: its own, named for the pipeline function whose handler it has. */
    Path zipOf(Invocation invocation) throws IOException {
        if (Files.isRegularFile(functions)) return functions;
        PipelineFunction f = PipelineFunction.byHandler(invocation.handler()).orElseThrow(() -> new IOException(
                "no pipeline function has the handler " + invocation.handler() + ", so there is no zip to run it from"));
        Path zip = functions.resolve(f.zipName());
        if (!Files.isRegularFile(zip)) throw new IOException("the " + f.id() + " function's zip " + zip + " does not exist");
        return zip;
    }

    /** The zip unpacked (once per host) into the work folder: the task root of every worker that runs from it. */
    private Path taskRoot(Path zip) throws IOException {
        try {
            return taskRoots.computeIfAbsent(zip, z -> {
                String name = z.getFileName().toString().replaceFirst("\\.zip$", "");
                Path root = workDirectory.resolve("task").resolve(name);
                try {
                    unzip(z, root);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return root;
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Where the local cloud posts invocations. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * The convert function's zip unpacked (classes at the root, jars in lib/), as its Lambda's /var/task and the
     * conversion container's /opt/vm2ami (built from the same zip); with one zip for all functions, that zip.
     */
    public Path conversionTaskRoot() throws IOException {
        return taskRoot(Files.isRegularFile(functions) ? functions : functions.resolve(PipelineFunction.CONVERT.zipName()));
    }

    /** The java that runs the workers. */
    public Path javaExecutable() {
        return launch.javaExecutable();
    }

    /** Folder with one log file per function (everything the handlers wrote). */
    public Path logDirectory() {
        return launch.logDirectory();
    }

    public InvocationResult invoke(Invocation invocation) throws ThrottledException {
        WorkerPool pool = pools.computeIfAbsent(invocation.workerKey(), k -> new WorkerPool());
        Worker worker;
        try {
            worker = pool.acquire(invocation);
        } catch (IOException e) {
            return InvocationResult.error("Runtime.StartError",
                    "could not start a worker for " + invocation.functionName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return InvocationResult.error("Runtime.Interrupted", "the host is shutting down");
        }
        try {
            return worker.invoke(invocation);
        } finally {
            pool.release(worker);
        }
    }

    /**
     * SnapStart emulation: starts one worker of the function (when it has none) ahead of any invocation
     * and waits until it has initialised and primed, as publishing a SnapStart version does before the
     * snapshot. The first invocation then meets that worker at its snapshot point. Without snapStart
     * this does nothing.
     *
     * @return empty when the function has a worker at its snapshot point (or snapStart is off), else why not
     */
    public java.util.Optional<String> prepare(Invocation spec) {
        if (!launch.snapStart()) return java.util.Optional.empty();
        WorkerPool pool = pools.computeIfAbsent(spec.workerKey(), k -> new WorkerPool());
        Worker worker;
        try {
            worker = pool.startIdle(spec);
        } catch (IOException e) {
            return java.util.Optional.of("could not start a worker for " + spec.functionName() + ": " + e.getMessage());
        }
        return worker == null ? java.util.Optional.empty() : worker.awaitSnapshotPoint();
    }

    private void handlePrepare(HttpExchange exchange) throws IOException {
        try (exchange) {
            Invocation spec = invocation(JSON.readTree(exchange.getRequestBody()));
            java.util.Optional<String> failure = prepare(spec);
            ObjectNode response = JSON.createObjectNode().put("functionName", spec.functionName())
                    .put("snapStart", launch.snapStart()).put("prepared", failure.isEmpty() && launch.snapStart());
            failure.ifPresent(f -> response.put("error", f));
            byte[] body = JSON.writeValueAsBytes(response);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static Invocation invocation(JsonNode request) throws IOException {
        Map<String, String> environment = new LinkedHashMap<>();
        request.path("environment").fields().forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
        return new Invocation(
                request.path("functionName").asText(),
                request.path("functionArn").asText(),
                request.path("handler").asText(),
                request.path("timeoutSeconds").asInt(3),
                request.path("memoryMb").asInt(128),
                request.path("region").asText("us-east-1"),
                environment,
                JSON.writeValueAsBytes(request.path("event")),
                credentials(request.path("credentials")));
    }

    private void handleInvoke(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            Invocation invocation = invocation(request);
            InvocationResult result;
            try {
                result = invoke(invocation);
            } catch (ThrottledException e) {
                byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("throttled", true).put("message", e.getMessage()));
                exchange.sendResponseHeaders(429, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                return;
            }
            ObjectNode response = JSON.createObjectNode();
            response.put("payload", result.payloadText());
            response.put("error", result.functionError());
                        byte[] body = JSON.writeValueAsBytes(response);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static java.util.Optional<Invocation.RoleCredentials> credentials(JsonNode c) {
        if (c.isMissingNode() || c.isNull()) return java.util.Optional.empty();
        return java.util.Optional.of(new Invocation.RoleCredentials(c.path("accessKeyId").asText(),
                c.path("secretAccessKey").asText(), c.path("sessionToken").asText(),
                java.time.Instant.parse(c.path("expiration").asText())));
    }

    @Override
    public void close() {
        server.stop(0);
        pools.values().forEach(WorkerPool::close);
        executor.shutdownNow();
    }

    /** Warm workers of one function configuration; at most maxWorkersPerFunction at a time. */
    private final class WorkerPool {
        private final Deque<Worker> idle = new ArrayDeque<>();
        private final List<Worker> all = new ArrayList<>();
        private boolean closed;

        /**
         * An idle worker, a new one, or one that frees up soon; when every worker stays busy, the
         * invocation is throttled, as Lambda throttles beyond a function's concurrency.
         */
        synchronized Worker acquire(Invocation spec) throws IOException, InterruptedException, ThrottledException {
            long giveUpAt = System.nanoTime() + THROTTLE_AFTER.toNanos();
            while (true) {
                if (System.nanoTime() > giveUpAt) {
                    throw new ThrottledException("Rate Exceeded: all " + maxWorkersPerFunction + " execution environments of "
                            + spec.functionName() + " stayed busy for " + THROTTLE_AFTER.toSeconds() + " s");
                }
                if (closed) throw new IOException("the function host is closed");
                all.removeIf(w -> !w.alive());
                // A worker whose role credentials run out soon is retired; a new one gets fresh ones.
                java.time.Instant freshUntil = java.time.Instant.now().plus(CREDENTIALS_MARGIN);
                for (Iterator<Worker> it = idle.iterator(); it.hasNext(); ) {
                    Worker w = it.next();
                    it.remove();
                    if (w.alive() && w.credentialsValidUntil(freshUntil)) return w;
                    w.close();
                    all.remove(w);
                }
                if (all.size() < maxWorkersPerFunction) {
                    Worker w = Worker.start(spec, launch, taskRoot(zipOf(spec)));
                    all.add(w);
                    return w;
                }
                wait(100);
            }
        }

        /** A new worker left idle for the next invocation; null when the function already has its workers. */
        synchronized Worker startIdle(Invocation spec) throws IOException {
            all.removeIf(w -> !w.alive());
            if (closed || !all.isEmpty()) return null;
            Worker w = Worker.start(spec, launch, taskRoot(zipOf(spec)));
            all.add(w);
            idle.push(w);
            notifyAll();
            return w;
        }

        synchronized void release(Worker worker) {
            if (worker.alive() && !closed) idle.push(worker);
            notifyAll();
        }

        synchronized void close() {
            closed = true;
            all.forEach(Worker::close);
            all.clear();
            idle.clear();
            notifyAll();
        }
    }

    /** The classpath Lambda's java21 runtime provides: the runtime interface client and its libraries. */
    private static String runtimeClasspath() {
        List<Class<?>> anchors = List.of(
                WorkerMain.class,
                com.amazonaws.services.lambda.runtime.api.client.AWSLambda.class,
                com.amazonaws.services.lambda.runtime.Context.class,
                com.amazonaws.services.lambda.runtime.serialization.PojoSerializer.class);
        List<String> entries = new ArrayList<>();
        for (Class<?> anchor : anchors) {
            try {
                String entry = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
                if (!entries.contains(entry)) entries.add(entry);
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot locate the jar of " + anchor.getName(), e);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /**
     * The runtime client's JNI library, unpacked once. Left to itself, every worker would unpack it
     * to the same /tmp file (Lambda gives each environment its own /tmp), and workers starting
     * together would load each other's half-written copies.
     */
    /** The runtime interface client's JNI library for this machine, copied under the work folder once. */
    public static Path nativeClient(Path workDirectory) throws IOException {
        String arch = System.getProperty("os.arch").contains("aarch64") ? "aarch_64" : "x86_64";
        String resource = "/jni/libaws-lambda-jni.linux-" + arch + ".so";
        Path target = workDirectory.resolve("runtime").resolve("libaws-lambda-jni.so");
        Files.createDirectories(target.getParent());
        try (InputStream in = com.amazonaws.services.lambda.runtime.api.client.AWSLambda.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("the Lambda runtime interface client has no " + resource);
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** Unpacks a function's zip as its task root (/var/task), refusing entries that would land outside it. */
    public static void unzip(Path zip, Path target) throws IOException {
        Files.createDirectories(target);
        try (InputStream in = Files.newInputStream(zip); ZipInputStream zin = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = zin.getNextEntry()) != null) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) throw new IOException("zip entry outside the target: " + entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(zin, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
