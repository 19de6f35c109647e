package dev.vm2ami.local.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Lambda execution environment: a JVM running the function's handler under AWS's runtime
 * interface client, with the function's environment, fed one invocation at a time through its own
 * Runtime API endpoint. Like Lambda, it stays warm between invocations and is thrown away when an
 * invocation times out or the runtime exits.
 */
final class Worker implements AutoCloseable {
    private static final Duration INIT_LIMIT = Duration.ofSeconds(60);

    private final String functionName;
    private final RuntimeApi api;
    private final Process process;
    private final java.util.Optional<java.time.Instant> credentialsExpire;
    private volatile boolean closed;

    private Worker(String functionName, RuntimeApi api, Process process, java.util.Optional<java.time.Instant> credentialsExpire) {
        this.functionName = functionName;
        this.api = api;
        this.process = process;
        this.credentialsExpire = credentialsExpire;
    }

    /** Whether its role credentials stay valid until {@code instant} (a worker without any always does). */
    boolean credentialsValidUntil(java.time.Instant instant) {
        return credentialsExpire.map(expiry -> expiry.isAfter(instant)).orElse(true);
    }

    /** @param taskRoot the function's unpacked zip (/var/task on Lambda) */
    static Worker start(Invocation spec, WorkerLaunch launch, Path taskRoot) throws IOException {
        RuntimeApi api = new RuntimeApi();
        List<String> command = new ArrayList<>();
        command.add(launch.javaExecutable().toString());
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1"); // what the Lambda Java runtime does for quick starts
        command.add("-Xshare:auto");
        command.add("--enable-native-access=ALL-UNNAMED"); // the runtime client's JNI part
        command.add("-Dcom.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI="
                + launch.nativeClientLibrary());
        command.add("-Xmx" + Math.max(64, spec.memoryMb() * 85 / 100) + "m");
        if (launch.snapStart()) {
            // What Lambda's java21 runtime does for a SnapStart function: org.crac bound to the runtime
            // client's CRaC context, whose beforeCheckpoint hooks the client runs after init.
            command.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
        }
        command.add("-cp");
        command.add(launch.runtimeClasspath());
        command.add(WorkerMain.class.getName());
        command.add(spec.handler());

        // The runtime interface client loads the function from its working directory, as /var/task on Lambda.
        ProcessBuilder builder = new ProcessBuilder(command).directory(taskRoot.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear(); // a function sees its own environment, not the developer's shell
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("LAMBDA_RUNTIME_DIR", taskRoot.toString());
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("_HANDLER", spec.handler());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_LAMBDA_FUNCTION_NAME", spec.functionName());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", spec.functionVersion());
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", launch.snapStart() ? "snap-start" : "on-demand");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + spec.functionName());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local/[$LATEST]" + Long.toHexString(System.nanoTime()));
        env.put("AWS_REGION", spec.region());
        env.put("AWS_DEFAULT_REGION", spec.region());
        env.putAll(launch.cloudEnvironment()); // AWS_ENDPOINT_URL of the local cloud
        spec.credentials().ifPresent(c -> env.putAll(c.environment())); // the execution role's, as on Lambda
        env.putAll(spec.environment());
        Process process = builder.start();
        Worker worker = new Worker(spec.functionName(), api, process, spec.credentials().map(Invocation.RoleCredentials::expiration));
        worker.pumpLogs(launch.logFile(spec.functionName()));
        process.onExit().thenRun(() -> api.failAll(InvocationResult.error("Runtime.ExitError",
                "RequestId: worker exited. Error: Runtime exited with error: exit status " + process.exitValue())));
        return worker;
    }

    /**
     * Waits until a snap-start worker has initialised and primed (its snapshot point), or failed.
     *
     * @return empty when it got there, else why not
     */
    java.util.Optional<String> awaitSnapshotPoint() {
        try {
            api.snapshotPoint().get(INIT_LIMIT.toSeconds(), TimeUnit.SECONDS);
            return java.util.Optional.empty();
        } catch (TimeoutException e) {
            close();
            return java.util.Optional.of(functionName + " did not reach its snapshot point within " + INIT_LIMIT.toSeconds() + " s");
        } catch (ExecutionException | InterruptedException e) {
            close();
            return java.util.Optional.of(api.initError() != null ? api.initError() : String.valueOf(e.getCause()));
        }
    }

    /** Runs one invocation; blocks until the handler answers, fails, or runs out of time. */
    InvocationResult invoke(Invocation invocation) {
        api.restore(); // a snap-start worker waiting at its snapshot point is "restored" for this invocation
        try {
            api.firstPoll().get(INIT_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            close();
            return InvocationResult.error("Runtime.InitTimeout",
                    functionName + " did not initialise within " + INIT_LIMIT.toSeconds() + " s");
        } catch (ExecutionException | InterruptedException e) {
            close();
            String detail = api.initError() != null ? api.initError() : String.valueOf(e.getCause());
            return InvocationResult.error("Runtime.InitError", functionName + " failed to initialise: " + detail);
        }
        long timeoutMs = invocation.timeoutSeconds() * 1000L;
        RuntimeApi.Pending pending = api.submit(invocation.event(), System.currentTimeMillis() + timeoutMs,
                invocation.functionArn());
        InvocationResult result;
        try {
            result = pending.result().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close(); // Lambda discards an environment whose invocation timed out
            result = InvocationResult.error("Sandbox.Timedout", String.format(
                    "RequestId: %s Error: Task timed out after %d.00 seconds",
                    pending.requestId(), invocation.timeoutSeconds()));
        } catch (ExecutionException | InterruptedException e) {
            result = InvocationResult.error("Runtime.Unknown", String.valueOf(e));
        }
        return result;
    }

    boolean alive() {
        return !closed && process.isAlive();
    }

    private void pumpLogs(Path logFile) throws IOException {
        Files.createDirectories(logFile.getParent());
        OutputStream file = Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Thread pump = new Thread(() -> {
            // Bytes, not lines: LambdaLogger.log writes records without a trailing newline.
            byte[] buffer = new byte[8192];
            try (InputStream in = process.getInputStream(); file) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    file.write(buffer, 0, n);
                    file.flush();
                }
            } catch (IOException ignored) {
                // the worker is gone; its log ends here
            }
        }, "logs-" + functionName);
        pump.setDaemon(true);
        pump.start();
    }

    @Override
    public void close() {
        closed = true; // before the process is gone: a closed worker never goes back to the pool
        process.destroyForcibly();
        api.close();
    }
}
