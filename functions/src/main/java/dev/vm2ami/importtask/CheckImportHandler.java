package dev.vm2ami.importtask;

import dev.vm2ami.config.Clients;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import dev.vm2ami.image.verdict.ImportPath;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.JobHandler;
import dev.vm2ami.job.PermissionDenied;
import dev.vm2ami.job.TransientFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;

/** The check step: one look at the import task, and the decision what happens next. */
public final class CheckImportHandler extends JobHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CheckImportHandler.class);

    private final ImportService imports;
    private final TaskTracker tracker;
    private final StageEvents events;
    private final Clock clock;

    public CheckImportHandler() {
        this(new Ec2ImportService(Clients.sync(Ec2Client.builder())), new TaskTracker(ImportStages.measured(), ImportStages.snapshot(), new SecureRandom()),
                new EventBridgeStageEvents(Clients.sync(EventBridgeClient.builder())), Clock.systemUTC());
        primeBeforeSnapshot(this::handle);
    }

    public CheckImportHandler(ImportService imports, TaskTracker tracker, StageEvents events, Clock clock) {
        this.imports = imports;
        this.tracker = tracker;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public ImportJob handle(ImportJob job) {
        String taskId = job.importTaskId();
        ImportJob next;
        Instant now = clock.instant();
        try {
            next = tracker.observe(job, imports.describe(taskId), now);
        } catch (ImportApiException e) {
            if (e.throttled()) {
                LOG.info("DescribeImportImageTasks is throttled ({}): looking again later", e.code());
                return tracker.throttled(job, clock.instant());
            }
            if (e.denied()) throw PermissionDenied.of(ImportPath.ofTaskId(taskId) == ImportPath.SNAPSHOT
                    ? "ec2:DescribeImportSnapshotTasks" : "ec2:DescribeImportImageTasks", taskId, e.getMessage(), e);
            throw new TransientFailure("DescribeImportImageTasks " + taskId + " failed: " + e.getMessage(), e);
        }
        ImportJob.TaskStatus t = next.task();
        LOG.info("import task {}: {} {} {}% -> {} (next look in {} s)", taskId, t.status(),
                t.statusMessage() == null ? "" : t.statusMessage(), t.progress() == null ? "-" : t.progress(), t.next(),
                t.nextCheckSeconds());
        StageChange.between(job, next, ImportStages.measured(), now).ifPresent(events::publish);
        return next;
    }
}
