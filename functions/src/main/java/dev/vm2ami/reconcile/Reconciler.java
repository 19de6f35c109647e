package dev.vm2ami.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.importtask.ImportService;
import dev.vm2ami.importtask.ImportSubmitter;
import dev.vm2ami.importtask.ImportTaskView;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Json;
import dev.vm2ami.job.Sha256;
import dev.vm2ami.job.TaskDecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds vm2ami's import tasks that no running execution watches — the execution failed, was
 * stopped, or died between ImportImage and the next state — and adopts them (a new execution
 * that follows the task to its end and sends the notification) or cancels them. Runs on a schedule.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    /** What one run did. */
    public record Report(int activeTasks, int watched, List<String> adopted, List<String> cancelled, List<String> ignored,
                         List<String> errors) {}

    private final ImportService imports;
    private final Executions executions;
    private final PipelineSettings settings;
    private final Clock clock;
    private final String stateMachineArn;

    /** @param stateMachineArn this stack's state machine: tasks tagged with another (another stack's) are left alone */
    public Reconciler(ImportService imports, Executions executions, PipelineSettings settings, String stateMachineArn, Clock clock) {
        this.stateMachineArn = java.util.Objects.requireNonNull(stateMachineArn, "VM2AMI_STATE_MACHINE_ARN is not set");
        this.imports = imports;
        this.executions = executions;
        this.settings = settings;
        this.clock = clock;
    }

    public Report reconcile() {
        List<ImportTaskView> active = imports.active();
        int watched = 0;
        List<String> adopted = new ArrayList<>();
        List<String> cancelled = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (ImportTaskView task : active) {
            String owner = task.tags().get(ImportSubmitter.TAG_EXECUTION);
            if (owner == null || !stateMachineArn.equals(task.tags().get(ImportSubmitter.TAG_STATE_MACHINE))) {
                // Not vm2ami's, or another stack's in the same account and region: that stack's reconciler decides.
                ignored.add(task.importTaskId());
                continue;
            }
            try {
                Optional<ExecutionView> execution = executions.describe(owner);
                if (execution.map(ExecutionView::running).orElse(false)) {
                    watched++;
                    continue;
                }
                String adopter = adoptionName(owner, task.importTaskId());
                Optional<ExecutionView> adoption = executions.describe(adopter);
                if (adoption.map(ExecutionView::running).orElse(false)) {
                    watched++;
                    continue;
                }
                String why = "execution " + owner + " is " + execution.map(ExecutionView::status).orElse("gone");
                if ("adopt".equals(settings.reconcileAction()) && adoption.isEmpty()) {
                    executions.start(adopter, adoptionInput(task, execution, adopter));
                    LOG.warn("adopted import task {}: {}; {} follows it now", task.importTaskId(), why, adopter);
                    adopted.add(task.importTaskId());
                } else {
                    imports.cancel(task.importTaskId(), "vm2ami: orphaned (" + why + ")");
                    LOG.warn("cancelled orphaned import task {}: {}", task.importTaskId(), why);
                    cancelled.add(task.importTaskId());
                }
            } catch (RuntimeException e) {
                LOG.error("could not reconcile import task {}: {}", task.importTaskId(), e.getMessage());
                errors.add(task.importTaskId() + ": " + e.getMessage());
            }
        }
        Report report = new Report(active.size(), watched, adopted, cancelled, ignored, errors);
        LOG.info("reconciled {} active import tasks: {} watched, {} adopted, {} cancelled, {} not vm2ami's, {} errors",
                active.size(), watched, adopted.size(), cancelled.size(), ignored.size(), errors.size());
        return report;
    }

    /** One adoption per orphaned task: a second reconciler run finds the same name and leaves it. */
    static String adoptionName(String owner, String importTaskId) {
        String base = owner.length() > 40 ? owner.substring(0, 40) : owner;
        return base + "-adopt-" + Sha256.hex(owner + "|" + importTaskId).substring(0, 24);
    }

    private String adoptionInput(ImportTaskView task, Optional<ExecutionView> execution, String adopter) {
        String now = clock.instant().toString();
        ImportJob original = execution.map(e -> read(e.input())).orElse(null);
        ImportJob.SourceObject source = original != null ? original.source() : new ImportJob.SourceObject(
                task.tags().get(ImportSubmitter.TAG_SOURCE_BUCKET), task.tags().get(ImportSubmitter.TAG_SOURCE_KEY),
                null, null, null, null, null);
        PipelineSettings.Timing timing = original != null && original.timing() != null ? original.timing() : settings.timing();
        int attempt = parseAttempt(task.tags().get(ImportSubmitter.TAG_ATTEMPT));
        ImportJob job = ImportJob.start(adopter, original != null ? original.receivedAt() : now, source, timing)
                .withAdoption(new ImportJob.Adoption(task.importTaskId(), execution.map(ExecutionView::name).orElse(null), now))
                .withSubmission(new ImportJob.Submission(attempt, ImportSubmitter.clientToken(adopter, attempt), true, 0, 0, now,
                        now, task.importTaskId(), dev.vm2ami.image.verdict.ImportPath.ofTaskId(task.importTaskId())))
                .withAttempts(List.of(new ImportJob.Attempt(attempt, task.importTaskId(), now, null, null, null)))
                .withTask(new ImportJob.TaskStatus(task.importTaskId(), task.status(), task.statusMessage(), task.progress(),
                        null, List.of(), List.of(), now, TaskDecision.WAIT, timing.minPollSeconds(), null, null, 0, 0));
        if (dev.vm2ami.image.verdict.ImportPath.ofTaskId(task.importTaskId()) == dev.vm2ami.image.verdict.ImportPath.SNAPSHOT) {
            // The adopter registers the snapshot's AMI with what the task was tagged with (the original's job is not kept).
            Map<String, String> t = task.tags();
            job = job.withImage(new ImportJob.ImageOptions(null, null, null, t.get(ImportSubmitter.TAG_BOOT_MODE), null, "Linux",
                    t.get(ImportSubmitter.TAG_ARCHITECTURE), null, null, Map.of(), null, "snapshot", t.get(ImportSubmitter.TAG_TPM_SUPPORT)));
        }
        try {
            return Json.MAPPER.writeValueAsString(job);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the adoption job of " + task.importTaskId() + " does not serialise", e);
        }
    }

    private static ImportJob read(String input) {
        try {
            return input == null ? null : Json.MAPPER.readValue(input, ImportJob.class);
        } catch (JsonProcessingException e) {
            return null; // not one of ours after all: adopt from the task's tags
        }
    }

    private static int parseAttempt(String tag) {
        try {
            return tag == null ? 1 : Integer.parseInt(tag);
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
