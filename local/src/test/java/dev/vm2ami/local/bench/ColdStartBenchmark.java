package dev.vm2ami.local.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vm2ami.local.host.FunctionHost;
import dev.vm2ami.wiring.PipelineFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * Cold start per function: a fresh JVM per run, the function's own deployment zip as its task
 * root, AWS's runtime interface client as its main class, and a Runtime API of this benchmark's
 * that hands it one canned event (from {@code events/}) and times the answer.
 *
 * <ul>
 *   <li><b>plain</b>: what Lambda without SnapStart does. Figures: JVM start to the first response
 *       (init + first invoke), and the first invoke alone (event handed over to response).</li>
 *   <li><b>primed</b>: what a SnapStart version restores to. The JVM runs with
 *       {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start} and org.crac bound to the runtime client's
 *       CRaC context ({@code -Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac}): after init the
 *       client runs every beforeCheckpoint (the handlers' priming, Powertools' metrics priming), asks
 *       the Runtime API for {@code restore/next} (the snapshot point; answered at once), runs
 *       afterRestore, then takes the event. Figures: JVM start to the snapshot point (what the
 *       publish pays) and the first invoke after it. Not measured: Lambda's restore of the snapshot
 *       itself, which no JVM here can do.</li>
 * </ul>
 *
 * <p>Every AWS call goes to a fake endpoint of this benchmark that answers at once with a 400 in the
 * request's protocol: a first invoke runs the handler to its first AWS call and the SDK's whole
 * round trip, but no cloud's latency. Figures, not assertions; median of N runs.
 *
 * <p>Run: {@code ./mvnw -B -Pbench -pl local -am verify -Dtest=ColdStartBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * (options: -Dcoldstart.runs=3 -Dcoldstart.functions=inspect,notify)
 */
@Tag("bench")
class ColdStartBenchmark {
    private static final Path REPO = repositoryRoot();

    record Run(long toFirstResponseMs, long firstInvokeMs, long toSnapshotMs, boolean error) {}

    @Test
    void measuresTheFirstResponseOfEachFunctionPlainAndPrimed() throws Exception {
        int runs = Integer.getInteger("coldstart.runs", 3);
        List<String> only = List.of(System.getProperty("coldstart.functions", "").split(",")).stream().filter(s -> !s.isBlank()).toList();
        Path work = Files.createTempDirectory("vm2ami-coldstart");
        Path nativeLib = FunctionHost.nativeClient(work);
        String runtimeCp = runtimeClasspath();
        try (FakeAws aws = new FakeAws()) {
            List<String> rows = new ArrayList<>();
            for (PipelineFunction f : PipelineFunction.values()) {
                if (!only.isEmpty() && !only.contains(f.id())) continue;
                Path zip = artifactOf(f);
                Path taskRoot = work.resolve("task-" + f.id());
                FunctionHost.unzip(zip, taskRoot);
                byte[] event = eventFor(f);
                List<Run> plain = new ArrayList<>();
                List<Run> primed = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    plain.add(run(f, taskRoot, runtimeCp, nativeLib, aws, event, false));
                    primed.add(run(f, taskRoot, runtimeCp, nativeLib, aws, event, true));
                }
                rows.add(String.format("| %s | %.1f | %d | %d | %d | %d | %s |", f.id(), Files.size(zip) / 1e6,
                        median(plain, Run::toFirstResponseMs), median(plain, Run::firstInvokeMs),
                        median(primed, Run::toSnapshotMs), median(primed, Run::firstInvokeMs),
                        plain.get(0).error() ? "error (stopped at the fake AWS answer)" : "response"));
                System.out.println("  " + f.id() + ": plain " + plain + "; primed " + primed);
            }
            System.out.println();
            System.out.printf("cold start per function: a fresh JVM per run under the runtime interface client, median of %d runs (ms)%n", runs);
            System.out.println("| function | zip MB | plain: JVM start -> first response | plain: first invoke | primed: JVM start -> snapshot point | primed: first invoke after restore | first answer |");
            System.out.println("|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
            Path zip = artifactOf(PipelineFunction.START);
            long unzipped = 0;
            int jars = 0;
            try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
                for (ZipEntry e : java.util.Collections.list(z.entries())) {
                    unzipped += Math.max(0, e.getSize());
                    if (e.getName().startsWith("lib/") && e.getName().endsWith(".jar")) jars++;
                }
            }
            System.out.printf("the start function's zip: %s, %.1f MB zipped, %.1f MB unzipped, %d jars (each function has its own: the table's zip MB)%n",
                    zip.getFileName(), Files.size(zip) / 1e6, unzipped / 1e6, jars);
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The deployment zip of a function: its own (PipelineFunction.zipName), in the folder the build writes them to. */
    static Path artifactOf(PipelineFunction function) {
        String configured = System.getProperty("vm2ami.functions.zips");
        return (configured != null && !configured.isBlank() ? Path.of(configured) : REPO.resolve("functions/target/lambda"))
                .resolve(function.zipName());
    }

    private static Run run(PipelineFunction f, Path taskRoot, String runtimeCp, Path nativeLib, FakeAws aws, byte[] event,
                           boolean primed) throws Exception {
        try (MiniRuntimeApi api = new MiniRuntimeApi(event)) {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED",
                    "-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI=" + nativeLib,
                    "-Xmx" + (f.memoryMb() * 85 / 100) + "m"));
            if (primed) command.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
            command.addAll(List.of("-cp", runtimeCp, "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", f.handler()));
            ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile()).redirectErrorStream(true)
                    .redirectOutput(taskRoot.resolve("run.log").toFile());
            Map<String, String> env = builder.environment();
            env.clear();
            env.putAll(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LAMBDA_TASK_ROOT", taskRoot.toString(),
                    "AWS_LAMBDA_RUNTIME_API", api.address(), "_HANDLER", f.handler(),
                    "AWS_LAMBDA_FUNCTION_NAME", f.functionName("vm2ami"), "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(f.memoryMb()),
                    "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "AKIDCOLDSTART", "AWS_SECRET_ACCESS_KEY", "cold-start-benchmark",
                    "AWS_ENDPOINT_URL", aws.url()));
            env.put("VM2AMI_STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:vm2ami");
            env.put("AWS_LAMBDA_INITIALIZATION_TYPE", primed ? "snap-start" : "on-demand");
            long started = System.nanoTime();
            Process process = builder.start();
            try {
                api.answered.get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(f.id() + (primed ? " (primed)" : "") + " gave no answer; its log: "
                        + Files.readString(taskRoot.resolve("run.log")), e);
            } finally {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            if (primed && api.snapshotAt.get() == 0) {
                throw new IllegalStateException(f.id() + " never reached restore/next: the runtime client did not run the CRaC hooks");
            }
            String simpleName = f.handlerClassName().substring(f.handlerClassName().lastIndexOf('.') + 1);
            if (primed && !Files.readString(taskRoot.resolve("run.log")).contains("primed " + simpleName)) {
                throw new IllegalStateException(f.id() + " reached the snapshot point without priming; its log: "
                        + Files.readString(taskRoot.resolve("run.log")));
            }
            return new Run(ms(api.answeredAt.get() - started), ms(api.answeredAt.get() - api.eventServedAt.get()),
                    primed ? ms(api.snapshotAt.get() - started) : 0, api.error);
        }
    }

    private static long ms(long nanos) {
        return Math.round(nanos / 1e6);
    }

    private static long median(List<Run> runs, java.util.function.ToLongFunction<Run> figure) {
        long[] v = runs.stream().mapToLong(figure).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** A canned event from events/, not the one priming uses: a first invocation meets other data. */
    private static byte[] eventFor(PipelineFunction f) throws IOException {
        Path events = REPO.resolve("events");
        return switch (f) {
            case START -> Files.readAllBytes(events.resolve("sqs/s3-object-created-encoded-key.json"));
            case INSPECT, SUBMIT -> Files.readAllBytes(events.resolve("jobs/after-inspect.json"));
            case NOTIFY -> Files.readAllBytes(events.resolve("jobs/rejected.json"));
            case RECONCILE -> "{}".getBytes(StandardCharsets.UTF_8);
            case COPY -> ("{\"job\":" + Files.readString(events.resolve("jobs/after-submit.json"))
                    + ",\"copy\":{\"region\":\"eu-west-1\",\"status\":\"PENDING\",\"nextCheckSeconds\":0}}").getBytes(StandardCharsets.UTF_8);
            default -> Files.readAllBytes(events.resolve("jobs/after-submit.json"));
        };
    }

    /** The Runtime API (2018-06-01) for one run: one event, the restore point, the answer's time. */
    static final class MiniRuntimeApi implements AutoCloseable {
        private static final String PREFIX = "/2018-06-01/runtime/";
        final CompletableFuture<Void> answered = new CompletableFuture<>();
        final AtomicLong answeredAt = new AtomicLong();
        final AtomicLong eventServedAt = new AtomicLong();
        final AtomicLong snapshotAt = new AtomicLong();
        volatile boolean error;
        private final byte[] event;
        private final HttpServer server;
        private boolean served;

        MiniRuntimeApi(byte[] event) throws IOException {
            this.event = event;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "mini-runtime-api");
                t.setDaemon(true);
                return t;
            }));
            server.createContext(PREFIX, this::handle);
            server.start();
        }

        String address() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (path.equals("restore/next")) {
                    snapshotAt.set(System.nanoTime());
                    reply(exchange, 200, new byte[0]);
                } else if (path.equals("invocation/next")) {
                    synchronized (this) {
                        if (served) { // one event per run: the second poll waits until the JVM is ended
                            try {
                                answered.get();
                                Thread.sleep(60_000);
                            } catch (Exception e) {
                                return;
                            }
                        }
                        served = true;
                    }
                    exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", "bench-1");
                    exchange.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 900_000));
                    exchange.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:bench");
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    eventServedAt.set(System.nanoTime());
                    reply(exchange, 200, event);
                } else if (path.startsWith("invocation/bench-1/")) {
                    answeredAt.set(System.nanoTime());
                    error = path.endsWith("/error");
                    reply(exchange, 202, "{}".getBytes(StandardCharsets.UTF_8));
                    answered.complete(null);
                } else if (path.equals("init/error") || path.equals("restore/error")) {
                    reply(exchange, 202, "{}".getBytes(StandardCharsets.UTF_8));
                    answered.completeExceptionally(new IllegalStateException(path + ": " + new String(body, StandardCharsets.UTF_8)));
                } else {
                    reply(exchange, 404, new byte[0]);
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Answers every AWS request at once with a 400 in its protocol (JSON, EC2's query XML, S3's REST XML). */
    static final class FakeAws implements AutoCloseable {
        private final HttpServer server;

        FakeAws() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "fake-aws");
                t.setDaemon(true);
                return t;
            }));
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
                    String body;
                    if (type.startsWith("application/x-amz-json")) {
                        body = "{\"__type\":\"BenchmarkAnswer\",\"message\":\"the cold-start benchmark's fake endpoint\"}";
                    } else if (type.startsWith("application/x-www-form-urlencoded")) {
                        body = "<Response><Errors><Error><Code>BenchmarkAnswer</Code><Message>fake endpoint</Message></Error></Errors>"
                                + "<RequestID>bench</RequestID></Response>";
                    } else {
                        body = "<Error><Code>BenchmarkAnswer</Code><Message>fake endpoint</Message><RequestId>bench</RequestId></Error>";
                    }
                    exchange.getResponseHeaders().add("x-amzn-ErrorType", "BenchmarkAnswer");
                    reply(exchange, 400, body.getBytes(StandardCharsets.UTF_8));
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The classpath Lambda's java21 runtime provides: the runtime interface client and its libraries. */
    private static String runtimeClasspath() throws URISyntaxException {
        List<String> entries = new ArrayList<>();
        for (Class<?> anchor : List.of(com.amazonaws.services.lambda.runtime.api.client.AWSLambda.class,
                com.amazonaws.services.lambda.runtime.Context.class,
                com.amazonaws.services.lambda.runtime.serialization.PojoSerializer.class)) {
            String entry = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            if (!entries.contains(entry)) entries.add(entry);
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("events")) && Files.isDirectory(p.resolve("functions"))) return p;
        }
        throw new IllegalStateException("run from inside the repository");
    }
}
