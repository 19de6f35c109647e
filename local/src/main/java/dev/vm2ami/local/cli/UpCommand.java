package dev.vm2ami.local.cli;

import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.cloud.LocalCloudOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code ./vm2ami up}: the local cloud with the pipeline deployed, until SIGINT/SIGTERM. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Start the embedded local cloud and deploy the pipeline into it; print the endpoint and",
                "the resources, then run until interrupted (Ctrl-C or SIGTERM). Point the AWS CLI or SDK at the",
                "endpoint (--endpoint-url, or AWS_ENDPOINT_URL) with any access key."})
final class UpCommand implements Callable<Integer> {

    @Option(names = "--port", description = "Loopback port of the endpoint (default: a free one).")
    int port;

    @Option(names = "--time-scale", description = "Factor applied to AWS's import durations (default: ${DEFAULT-VALUE}: a 30-minute import in ~5 s).")
    double timeScale = LocalCloudOptions.DEFAULT_TIME_SCALE;

    @Option(names = "--import-quota", description = "Concurrently active import tasks before ImportImage answers ResourceCountLimitExceeded (default: ${DEFAULT-VALUE}).")
    int importQuota = LocalCloudOptions.DEFAULT_IMPORT_QUOTA;

    @Option(names = "--region", description = "Region the local cloud serves (default: ${DEFAULT-VALUE}).")
    String region = "us-east-1";

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        long started = System.nanoTime();
        LocalCloudOptions options = LocalCloudOptions.defaults()
                .withPort(port).withTimeScale(timeScale).withImportQuota(importQuota).withRegion(region)
                .withKeepWorkDirectory(true);
        CountDownLatch stopped = new CountDownLatch(1);
        try (LocalCloud cloud = LocalCloud.start(options)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                cloud.close();
                stopped.countDown();
            }, "vm2ami-up-shutdown"));
            out.println("endpoint: " + cloud.endpoint());
            out.println("region: " + cloud.region());
            out.println("function-logs: " + cloud.functionLogs());
            out.printf("ready in %.1f s; Ctrl-C stops it%n", Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0);
            out.flush();
            stopped.await();
        }
        return 0;
    }
}
