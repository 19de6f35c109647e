package dev.vm2ami.local.cli;

import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.cloud.LocalCloudOptions;
import dev.vm2ami.local.pipeline.LocalDeployment;
import dev.vm2ami.local.pipeline.PipelineResources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code ./vm2ami up}: the local cloud with the pipeline deployed, until SIGINT/SIGTERM. */
@Command(name = "up", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start the embedded local cloud, deploy the pipeline into it, print the endpoint and the resources, "
                + "then run until interrupted (Ctrl-C or SIGTERM); nothing is left running after.",
                "",
                "Point the AWS CLI (--endpoint-url) or an SDK (AWS_ENDPOINT_URL) at the endpoint with any access key, drop "
                + "an image into the bucket and read its notification from the inbox queue (subscribed to the topic). "
                + "The S3 object tag 'simulate' injects the faults EC2 shows now and then: server-error-once, "
                + "server-error-always, stuck-booting, unknown-os, slow, throttle-describe."})
final class UpCommand implements Callable<Integer> {

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

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        long started = System.nanoTime();
        LocalCloudOptions options = LocalCloudOptions.defaults()
                .withPort(port).withTimeScale(timeScale).withImportQuota(importQuota).withRegion(region)
                .withKeepWorkDirectory(true);
        CountDownLatch stopped = new CountDownLatch(1);
        try (LocalDeployment stack = LocalDeployment.start(options)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stack.close();
                stopped.countDown();
            }, "vm2ami-up-shutdown"));
            LocalCloud cloud = stack.cloud();
            PipelineResources p = stack.pipeline();
            out.println("endpoint: " + cloud.endpoint());
            out.println("region: " + cloud.region());
            out.println("bucket: " + p.bucket());
            out.println("queue: " + p.queueUrl());
            out.println("dead-letter-queue: " + p.deadLetterQueueUrl());
            out.println("topic: " + p.topicArn());
            out.println("state-machine: " + p.stateMachineArn());
            out.println("inbox: " + p.inboxQueueUrl());
            out.println("vmimport-role: " + p.vmimportRoleName());
            out.println("function-logs: " + cloud.functionLogs());
            out.println("cloud-log: " + cloud.cloudLog());
            out.println();
            out.println("Try it (in another shell; any access key works):");
            out.println("  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=" + cloud.region());
            out.println("  aws --endpoint-url " + cloud.endpoint() + " s3 cp disk.vmdk s3://" + p.bucket() + "/");
            out.println("  aws --endpoint-url " + cloud.endpoint() + " sqs receive-message --queue-url " + p.inboxQueueUrl()
                    + " --wait-time-seconds 20");
            out.println();
            out.printf("ready in %.1f s (a 30-minute import takes %.0f s here; the reconciler runs every %d s). Ctrl-C stops it.%n",
                    (System.nanoTime() - started) / 1e9, 30 * 60 * timeScale, stack.reconcileEvery().toSeconds());
            out.flush();
            stopped.await();
        }
        return 0;
    }
}
