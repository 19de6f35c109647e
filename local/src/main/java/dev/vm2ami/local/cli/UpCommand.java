package dev.vm2ami.local.cli;

import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.cloud.LocalCloudOptions;
import dev.vm2ami.local.demo.PipelineWatch;
import dev.vm2ami.local.pipeline.LocalDeployment;
import dev.vm2ami.local.pipeline.LocalPipeline;
import dev.vm2ami.local.pipeline.Notifications;
import dev.vm2ami.local.pipeline.PipelineResources;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** {@code ./vm2ami up}: the local cloud with the pipeline deployed, until SIGINT/SIGTERM. */
@Command(name = "up", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start the embedded local cloud, deploy the pipeline into it, print the endpoint and the resources, "
                + "then run until interrupted (Ctrl-C or SIGTERM), printing a line each time an image changes stage; "
                + "nothing is left running after, and its work folder (logs) is removed unless --keep-work-dir.",
                "",
                "Point the AWS CLI (--endpoint-url) or an SDK (AWS_ENDPOINT_URL) at the endpoint with any access key, drop "
                + "an image into the bucket (./vm2ami sample-image disk.raw writes one) and read its notification from the "
                + "inbox queue (subscribed to the topic with raw message delivery: the body is the notification's JSON). "
                + "The S3 object tag 'simulate' injects the faults EC2 shows now and then: server-error-once, "
                + "server-error-always, stuck-booting, unknown-os, slow, throttle-describe."})
final class UpCommand implements Callable<Integer> {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Option(names = "--port", description = "Loopback port of the endpoint (default: a free one).")
    int port;

    @Option(names = "--time-scale", paramLabel = "F",
            description = "Factor applied to AWS's import stage durations (default: ${DEFAULT-VALUE}: a 30-minute import in about 5 s).")
    double timeScale = LocalCloudOptions.DEFAULT_TIME_SCALE;

    @Option(names = "--import-quota", paramLabel = "N",
            description = "Concurrently active import tasks before ImportImage answers ResourceCountLimitExceeded (default: ${DEFAULT-VALUE}).")
    int importQuota = LocalCloudOptions.DEFAULT_IMPORT_QUOTA;

    @Option(names = "--region", description = "Region the local cloud serves (default: ${DEFAULT-VALUE}).")
    String region = "us-east-1";

    @Option(names = "--quiet", description = "Print the resources and 'ready', but no line per image.")
    boolean quiet;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The stack's settings, as in infra-cdk/config/*.json (one JSON object; e.g. "
                    + "{\"conversionLambdaMaxBytes\": 1048576} sends larger conversions to AWS Batch), over cdk.json's.")
    Path config;

    @Option(names = "--keep-work-dir", description = "Keep the work folder (function and cloud logs, the unpacked function zips) after it stops; its path is printed.")
    boolean keepWorkDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The options, or a usage error (exit 2) before anything starts. */
    static LocalCloudOptions options(CommandLine.Model.CommandSpec spec, Supplier<LocalCloudOptions> options) {
        try {
            return options.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The settings of {@code --config FILE} (none: cdk.json's), or a usage error (exit 2) before anything starts. */
    static Map<String, Object> settings(CommandLine.Model.CommandSpec spec, Path file) {
        if (file == null) return Map.of();
        try {
            return StackSettingsFile.read(file);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        LocalCloudOptions options = options(spec, () -> LocalCloudOptions.defaults()
                .withPort(port).withTimeScale(timeScale).withImportQuota(importQuota).withRegion(region)
                .withKeepWorkDirectory(keepWorkDir));
        Map<String, Object> settings = settings(spec, config);
        PrintStream out = System.out;
        long started = System.nanoTime();
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch stopping = new CountDownLatch(1);
        try (LocalDeployment stack = LocalDeployment.start(options, settings)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopping.countDown();
                stack.close();
                out.println(keepWorkDir ? "stopped; work folder kept: " + stack.cloud().workDirectory()
                        : "stopped; work folder removed (--keep-work-dir keeps it)");
                out.flush();
                stopped.countDown();
            }, "vm2ami-up-shutdown"));
            LocalCloud cloud = stack.cloud();
            PipelineResources p = stack.pipeline();
            String inbox = LocalPipeline.subscribeRawInbox(cloud.clients(), p);
            out.println("endpoint: " + cloud.endpoint());
            out.println("region: " + cloud.region());
            out.println("bucket: " + p.bucket());
            out.println("queue: " + p.queueUrl());
            out.println("dead-letter-queue: " + p.deadLetterQueueUrl());
            out.println("topic: " + p.topicArn());
            out.println("state-machine: " + p.stateMachineArn());
            out.println("inbox: " + inbox);
            out.println("vmimport-role: " + p.vmimportRoleName());
            out.println("function-logs: " + cloud.functionLogs());
            out.println("cloud-log: " + cloud.cloudLog());
            if (!settings.isEmpty()) out.println("settings: " + settings + " (from " + config + ")");
            out.println();
            out.println("Try it (in another shell; any access key works):");
            out.println("  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=" + cloud.region());
            out.println("  ./vm2ami sample-image disk.raw");
            out.println("  aws --endpoint-url " + cloud.endpoint() + " s3 cp disk.raw s3://" + p.bucket() + "/");
            out.println("  aws --endpoint-url " + cloud.endpoint() + " sqs receive-message --wait-time-seconds 20 --message-attribute-names All --queue-url "
                    + inbox);
            out.println("  (then delete-message with its ReceiptHandle, or it comes back after 30 s)");
            out.println();
            out.printf("ready in %.1f s (a 30-minute import takes %.0f s here; the reconciler runs every %d s). Ctrl-C stops it.%n",
                    (System.nanoTime() - started) / 1e9, 30 * 60 * timeScale, stack.reconcileEvery().toSeconds());
            out.flush();
            if (quiet) {
                stopped.await();
                return 0;
            }
            PipelineWatch watch = new PipelineWatch(cloud.clients().sfn(), p.stateMachineArn(), cloud.clients().ec2(),
                    new Notifications(cloud.clients().sqs(), p.inboxQueueUrl()));
            while (!stopping.await(500, TimeUnit.MILLISECONDS)) {
                try {
                    for (PipelineWatch.Change c : watch.poll()) {
                        out.printf("  %s  %-28s %s%n", LocalTime.now().format(CLOCK), c.key(), c.state());
                    }
                    out.flush();
                } catch (RuntimeException e) {
                    if (stopping.getCount() == 0) break; // the cloud is going away
                    out.println("  (progress unavailable for a moment: " + e.getMessage() + ")");
                }
            }
            stopped.await();
        }
        return 0;
    }
}
