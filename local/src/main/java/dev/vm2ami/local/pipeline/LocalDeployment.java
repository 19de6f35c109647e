package dev.vm2ami.local.pipeline;

import dev.vm2ami.local.cloud.LocalCloud;
import dev.vm2ami.local.cloud.LocalCloudOptions;
import dev.vm2ami.local.stack.TemplateDeployer;
import dev.vm2ami.wiring.PipelineFunction;
import software.amazon.awssdk.core.SdkBytes;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The local cloud with the pipeline deployed and the reconciler on a schedule (what the stack's
 * EventBridge rule does on AWS): what {@code ./vm2ami up} and {@code ./vm2ami demo} run.
 */
public final class LocalDeployment implements AutoCloseable {
    private final LocalCloud cloud;
    private final PipelineResources pipeline;
    private final ScheduledExecutorService reconciler;
    private final Duration reconcileEvery;
    private final String reconcileTarget;

    private LocalDeployment(LocalCloud cloud, PipelineResources pipeline, Duration reconcileEvery, String reconcileTarget) {
        this.reconcileTarget = reconcileTarget;
        this.cloud = cloud;
        this.pipeline = pipeline;
        this.reconcileEvery = reconcileEvery;
        this.reconciler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reconcile-schedule");
            t.setDaemon(true);
            return t;
        });
        long seconds = reconcileEvery.toSeconds();
        reconciler.scheduleWithFixedDelay(this::reconcileQuietly, seconds, seconds, TimeUnit.SECONDS);
    }

    public static LocalDeployment start(LocalCloudOptions options) throws IOException {
        return start(options, Map.of());
    }

    /**
     * @param settings the stack's configuration over cdk.json's (the keys of infra-cdk/config/*.json), e.g.
     *                 {@code conversionLambdaMaxBytes}; empty for cdk.json's own
     */
    public static LocalDeployment start(LocalCloudOptions options, Map<String, Object> settings) throws IOException {
        LocalCloud cloud = LocalCloud.start(options);
        try {
            PipelineResources pipeline = settings.isEmpty() ? LocalPipeline.deploy(cloud) : LocalPipeline.deploy(cloud, settings);
            // The stack's schedule (EventBridge, every 30 minutes on AWS) on the local clock: seconds.
            TemplateDeployer.Schedule schedule = pipeline.schedules().stream()
                    .filter(s -> s.functionName().equals(pipeline.functionNames().get(PipelineFunction.RECONCILE)))
                    .findFirst().orElseThrow(() -> new IllegalStateException("the stack schedules no reconciler"));
            long seconds = Math.max(10, Math.round(schedule.every().toSeconds() * options.timeScale()));
            return new LocalDeployment(cloud, pipeline, Duration.ofSeconds(seconds), schedule.target());
        } catch (RuntimeException e) {
            cloud.close();
            throw e;
        }
    }

    public LocalCloud cloud() {
        return cloud;
    }

    public PipelineResources pipeline() {
        return pipeline;
    }

    public Duration reconcileEvery() {
        return reconcileEvery;
    }

    /** Runs the reconcile function once (the Invoke API on what the schedule targets: its alias); returns its report. */
    public String reconcile() {
        var response = cloud.clients().lambda().invoke(i -> i.functionName(reconcileTarget)
                .payload(SdkBytes.fromUtf8String("{\"source\":\"vm2ami.local.schedule\"}")));
        return response.payload().asUtf8String();
    }

    private void reconcileQuietly() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            // the next run tries again; the function's own log says what went wrong
        }
    }

    @Override
    public void close() {
        reconciler.shutdownNow();
        cloud.close();
    }
}
