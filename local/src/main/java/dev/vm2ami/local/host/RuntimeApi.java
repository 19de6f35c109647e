package dev.vm2ami.local.host;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The Lambda Runtime API (2018-06-01) for one worker: the runtime interface client in the worker
 * asks for the next invocation, then posts its response or error. This is the same protocol a
 * Lambda execution environment speaks, so the handler runs exactly as on AWS.
 */
final class RuntimeApi implements AutoCloseable {
    private static final String PREFIX = "/2018-06-01/runtime/";

    record Pending(String requestId, byte[] event, long deadlineMs, String functionArn,
                   CompletableFuture<InvocationResult> result) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "runtime-api");
        t.setDaemon(true);
        return t;
    });
    private final BlockingQueue<Pending> next = new LinkedBlockingQueue<>();
    private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> firstPoll = new CompletableFuture<>();
    private final CompletableFuture<Void> snapshotPoint = new CompletableFuture<>();
    private final CompletableFuture<Void> restoreRequested = new CompletableFuture<>();
    private volatile String initError;

    RuntimeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(executor);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Completes when the worker has initialised and asks for its first invocation. */
    CompletableFuture<Void> firstPoll() {
        return firstPoll;
    }

    /**
     * Completes when a snap-start worker has initialised and run its beforeCheckpoint hooks: it asks
     * for {@code restore/next}, where Lambda would take the snapshot.
     */
    CompletableFuture<Void> snapshotPoint() {
        return snapshotPoint;
    }

    /** Lets a worker waiting at the snapshot point go on: afterRestore, then its first invocation. */
    void restore() {
        restoreRequested.complete(null);
    }

    String initError() {
        return initError;
    }

    Pending submit(byte[] event, long deadlineMs, String functionArn) {
        Pending p = new Pending(UUID.randomUUID().toString(), event, deadlineMs, functionArn, new CompletableFuture<>());
        inFlight.put(p.requestId(), p);
        next.add(p);
        return p;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals("invocation/next")) {
                firstPoll.complete(null);
                Pending p = next.take();
                var headers = exchange.getResponseHeaders();
                headers.add("Lambda-Runtime-Aws-Request-Id", p.requestId());
                headers.add("Lambda-Runtime-Deadline-Ms", Long.toString(p.deadlineMs()));
                headers.add("Lambda-Runtime-Invoked-Function-Arn", p.functionArn());
                headers.add("Lambda-Runtime-Trace-Id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000)
                        + "-" + p.requestId().replace("-", "").substring(0, 24) + ";Sampled=0");
                headers.add("Content-Type", "application/json");
                reply(exchange, 200, p.event());
            } else if (method.equals("POST") && path.startsWith("invocation/")) {
                String[] parts = path.split("/");
                Pending p = parts.length == 3 ? inFlight.remove(parts[1]) : null;
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (p == null) {
                    reply(exchange, 400, "{\"errorMessage\":\"unknown request id\"}".getBytes());
                    return;
                }
                boolean error = parts[2].equals("error");
                p.result().complete(new InvocationResult(body, error));
                reply(exchange, 202, "{\"status\":\"OK\"}".getBytes());
            } else if (method.equals("GET") && path.equals("restore/next")) {
                snapshotPoint.complete(null);
                restoreRequested.join(); // the worker waits here until an invocation needs it ("restored")
                reply(exchange, 200, new byte[0]);
            } else if (method.equals("POST") && path.equals("restore/error")) {
                initError = "afterRestore failed: " + new String(exchange.getRequestBody().readAllBytes());
                firstPoll.completeExceptionally(new IllegalStateException(initError));
                reply(exchange, 202, "{\"status\":\"OK\"}".getBytes());
            } else if (method.equals("POST") && path.equals("init/error")) {
                initError = new String(exchange.getRequestBody().readAllBytes());
                firstPoll.completeExceptionally(new IllegalStateException("function init failed: " + initError));
                snapshotPoint.completeExceptionally(new IllegalStateException("function init failed: " + initError));
                reply(exchange, 202, "{\"status\":\"OK\"}".getBytes());
            } else {
                reply(exchange, 404, "{\"errorMessage\":\"not found\"}".getBytes());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Fails whatever is still waiting, e.g. when the worker died. */
    void failAll(InvocationResult result) {
        inFlight.values().forEach(p -> p.result().complete(result));
        inFlight.clear();
        next.clear();
        firstPoll.completeExceptionally(new IllegalStateException("worker exited before it was ready"));
        snapshotPoint.completeExceptionally(new IllegalStateException("worker exited before its snapshot point"));
        restoreRequested.complete(null);
    }

    @Override
    public void close() {
        restoreRequested.complete(null);
        server.stop(0);
        executor.shutdownNow();
    }
}
