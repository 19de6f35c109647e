package dev.vm2ami.reconcile;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.vm2ami.config.Clients;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import dev.vm2ami.job.Json;
import dev.vm2ami.priming.Primed;
import dev.vm2ami.priming.Primer;
import dev.vm2ami.config.PipelineMetrics;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.importtask.Ec2ImportService;
import dev.vm2ami.wiring.EnvKeys;
import dev.vm2ami.wiring.MetricNames;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** The reconcile function, run on a schedule: adopts or cancels import tasks no execution watches. */
public final class ReconcileHandler implements RequestHandler<Map<String, Object>, Reconciler.Report>, Primed {
    private final Reconciler reconciler;
    private final Metrics metrics;
    private Primer primer; // CRaC holds resources weakly

    public ReconcileHandler() {
        this(new Reconciler(new Ec2ImportService(Clients.sync(Ec2Client.builder())),
                new SfnExecutions(Clients.sync(SfnClient.builder()), System.getenv(EnvKeys.STATE_MACHINE_ARN)),
                PipelineSettings.fromEnvironment(System.getenv()), System.getenv(EnvKeys.STATE_MACHINE_ARN), Clock.systemUTC()), PipelineMetrics.instance());
        // The reconciler's reads, without the handler's metric: a priming must not publish one.
        primer = Primer.register(getClass().getSimpleName(), () -> Json.MAPPER.writeValueAsBytes(reconciler.reconcile()));
    }

    @Override
    public Optional<Primer> primer() {
        return Optional.ofNullable(primer);
    }

    public ReconcileHandler(Reconciler reconciler, Metrics metrics) {
        this.reconciler = reconciler;
        this.metrics = metrics;
    }

    @Override
    public Reconciler.Report handleRequest(Map<String, Object> scheduledEvent, Context context) {
        Reconciler.Report report = PowertoolsLogging.withLogging(context, reconciler::reconcile);
        // This stack's import tasks at EC2 now: the dashboard's images in flight, sampled once per run.
        metrics.addMetric(MetricNames.IMPORTS_IN_FLIGHT, report.watched() + report.adopted().size(), MetricUnit.COUNT);
        metrics.flush();
        return report;
    }
}
