package dev.vm2ami.local.cloud;

import dev.vm2ami.convert.ConvertMain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.local.host.FunctionHost;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The embedded local cloud: moto in server mode with vm2ami's extension (the ImportImage simulator,
 * Lambda invocations through the function host, Lambda-like SQS polling), plus the function host
 * that runs the real handlers. Everything listens on loopback; closing it stops every process it
 * started.
 */
public final class LocalCloud implements AutoCloseable {
    public static final String ACCESS_KEY = "vm2ami-local";
    public static final String SECRET_KEY = "vm2ami-local-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY_LIMIT = Duration.ofSeconds(90);

    private final LocalCloudOptions options;
    private final Path workDirectory;
    private final FunctionHost functionHost;
    private final Process cloudProcess;
    private final URI endpoint;
    private final AwsClients clients;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private LocalCloud(LocalCloudOptions options, Path workDirectory, FunctionHost functionHost,
                       Process cloudProcess, URI endpoint) {
        this.options = options;
        this.workDirectory = workDirectory;
        this.functionHost = functionHost;
        this.cloudProcess = cloudProcess;
        this.endpoint = endpoint;
        this.clients = new AwsClients(endpoint, options.region(), ACCESS_KEY, SECRET_KEY);
    }

    public static LocalCloud start(LocalCloudOptions options) throws IOException {
        Path work = Files.createTempDirectory("vm2ami-local-");
        int port = options.port() > 0 ? options.port() : freePort();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        FunctionHost host = null;
        Process process = null;
        try {
            // Each function gets its own role's temporary credentials with each invocation (lambda_bridge).
            host = FunctionHost.start(options.functionsArtifact(), work, Map.of(
                    "AWS_ENDPOINT_URL", endpoint.toString()), options.maxWorkersPerFunction(), options.snapStart());
            Path cloudDir = CloudResources.unpack(work.resolve("cloud"));
            List<String> command = new ArrayList<>(List.of(
                    options.python(), "-u", cloudDir.resolve("vm2ami_cloud.py").toString(),
                    "--port", Integer.toString(port),
                    "--stages", cloudDir.resolve("import-stages.json").toString(),
                    "--time-scale", Double.toString(options.timeScale()),
                    "--import-quota", Integer.toString(options.importQuota()),
                    "--function-host", host.url(),
                    // AWS Batch jobs run the conversion container's entry point from the same unpacked artifact.
                    "--batch-java", host.javaExecutable().toString(),
                    "--batch-classpath", host.conversionTaskRoot() + File.pathSeparator + host.conversionTaskRoot().resolve("lib") + File.separator + "*",
                    "--batch-main", ConvertMain.class.getName(),
                    "--batch-logs", work.resolve("logs").toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("AWS_DEFAULT_REGION", options.region());
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new IOException("Could not run " + options.python() + " (Python 3 with moto runs the local "
                        + "cloud). Install Python 3 and moto: pip install \"moto[server]\"; or point VM2AMI_PYTHON "
                        + "at an interpreter that has it.", e);
            }
            awaitReady(process, work.resolve("logs").resolve("cloud.log"));
            return new LocalCloud(options, work, host, process, endpoint);
        } catch (IOException | RuntimeException e) {
            if (process != null) process.destroyForcibly();
            if (host != null) host.close();
            deleteRecursively(work);
            throw e;
        }
    }

    private static void awaitReady(Process process, Path logFile) throws IOException {
        Files.createDirectories(logFile.getParent());
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<JsonNode> ready = new CompletableFuture<>();
        StringBuilder early = new StringBuilder();
        Thread pump = new Thread(() -> {
            try (Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
                String line;
                while ((line = reader.readLine()) != null) {
                    log.write(line);
                    log.write('\n');
                    log.flush();
                    if (!ready.isDone()) {
                        early.append(line).append('\n');
                        if (line.startsWith("{\"ready\"")) ready.complete(JSON.readTree(line));
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.complete(null);
        }, "local-cloud-log");
        pump.setDaemon(true);
        pump.start();
        JsonNode status;
        try {
            status = ready.get(READY_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("The local cloud did not start within " + READY_LIMIT.toSeconds() + " s. Its output:\n" + early);
        }
        if (status == null || !status.path("ready").asBoolean()) {
            String reason = status != null ? status.path("error").asText() : early.toString().strip();
            throw new IOException("The local cloud could not start: " + reason);
        }
    }

    /** The local cloud's endpoint: the value of AWS_ENDPOINT_URL for anything that talks to it. */
    public URI endpoint() { return endpoint; }

    public String region() { return options.region(); }

    public LocalCloudOptions options() { return options; }

    public AwsClients clients() { return clients; }

    public Path functionLogs() { return functionHost.logDirectory(); }

    /** The cloud's work folder (logs, the unpacked function zips), deleted on close unless kept. */
    public Path workDirectory() { return workDirectory; }

    public Path cloudLog() { return workDirectory.resolve("logs").resolve("cloud.log"); }

    /** What the ImportImage simulator did: each task's history and the most tasks active at once. */
    public JsonNode simulatorRecord() {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint.resolve("/_vm2ami/simulator")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("the local cloud does not answer at " + endpoint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * SnapStart emulation ({@link LocalCloudOptions#snapStart()}): each named function's first execution
     * environment is started and primed now, before any invocation. Does nothing when the option is off.
     *
     * @return the functions that did not get there, with why
     */
    public List<String> prepareFunctions(String account, List<String> functionNames) {
        if (!options.snapStart() || functionNames.isEmpty()) return List.of();
        URI uri = endpoint.resolve("/_vm2ami/prepare-functions?account=" + account + "&region=" + options.region()
                + "&names=" + String.join(",", functionNames));
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            List<String> failed = new ArrayList<>();
            for (JsonNode f : JSON.readTree(response.body()).path("functions")) {
                if (!f.path("prepared").asBoolean()) failed.add(f.path("functionName").asText() + ": " + f.path("error").asText());
            }
            return failed;
        } catch (IOException e) {
            throw new IllegalStateException("the local cloud does not answer at " + endpoint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        clients.close();
        try {
            cloudProcess.getOutputStream().close(); // the extension exits when stdin closes
            if (!cloudProcess.waitFor(5, TimeUnit.SECONDS)) cloudProcess.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            cloudProcess.destroyForcibly();
        }
        functionHost.close();
        if (!options.keepWorkDirectory()) deleteRecursively(workDirectory);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }

    static InputStream resource(String name) throws IOException {
        InputStream in = LocalCloud.class.getClassLoader().getResourceAsStream(name);
        if (in == null) throw new IOException("resource " + name + " is missing from the classpath");
        return in;
    }
}
