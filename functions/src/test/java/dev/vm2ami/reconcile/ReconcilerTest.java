package dev.vm2ami.reconcile;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.importtask.ImportRequest;
import dev.vm2ami.importtask.ImportService;
import dev.vm2ami.importtask.ImportSubmitter;
import dev.vm2ami.importtask.ImportTaskView;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Json;
import dev.vm2ami.job.TaskDecision;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ReconcilerTest {
    final List<ImportTaskView> active = new ArrayList<>();
    final Map<String, ExecutionView> executions = new HashMap<>();
    final Map<String, String> started = new HashMap<>();
    final List<String> cancelled = new ArrayList<>();

    final ImportService imports = new ImportService() {
        @Override
        public String startImport(ImportRequest request) {
            throw new AssertionError("the reconciler never starts imports");
        }

        @Override
        public String startSnapshotImport(ImportRequest request) {
            throw new AssertionError("the reconciler never starts imports");
        }

        @Override
        public Optional<ImportTaskView> describe(String importTaskId) {
            throw new AssertionError("not used");
        }

        @Override
        public List<ImportTaskView> active() {
            return active;
        }

        @Override
        public void cancel(String importTaskId, String reason) {
            cancelled.add(importTaskId);
        }
    };

    final Executions sfn = new Executions() {
        @Override
        public Optional<ExecutionView> describe(String name) {
            return Optional.ofNullable(executions.get(name));
        }

        @Override
        public boolean start(String name, String input) {
            started.put(name, input);
            executions.put(name, new ExecutionView(name, "RUNNING", input));
            return true;
        }
    };

    Reconciler reconciler(String action) {
        PipelineSettings d = PipelineSettings.defaults();
        PipelineSettings settings = new PipelineSettings(d.imagePrefix(), d.defaultBootMode(), d.defaultImportMode(), d.defaultLicenseType(), d.defaultTeam(),
                d.extraTags(), d.kmsKeyId(), d.vmimportRoleName(), d.maxConcurrentImports(), d.amiNameTemplate(),
                d.pipelineVersion(), action, d.timing(), d.distribution());
        return new Reconciler(imports, sfn, settings, STATE_MACHINE, Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC));
    }

    static final String STATE_MACHINE = "arn:aws:states:us-east-1:111122223333:stateMachine:vm2ami-import-image";
    static final String OTHER_STACKS = "arn:aws:states:us-east-1:111122223333:stateMachine:vm2ami-test-import-image";

    static ImportTaskView task(String id, String execution) {
        return task(id, execution, STATE_MACHINE);
    }

    static ImportTaskView task(String id, String execution, String stateMachine) {
        Map<String, String> tags = execution == null ? Map.of() : Map.of(ImportSubmitter.TAG_EXECUTION, execution,
                ImportSubmitter.TAG_SOURCE_BUCKET, "vm2ami-images", ImportSubmitter.TAG_SOURCE_KEY, "disks/a.raw",
                ImportSubmitter.TAG_ATTEMPT, "2", ImportSubmitter.TAG_STATE_MACHINE, stateMachine);
        return new ImportTaskView(id, "active", "converting", 20, null, List.of(), tags);
    }

    @Test
    void leavesAnotherStacksOrphansToThatStack() {
        active.add(task("import-ami-other", "failed-elsewhere", OTHER_STACKS));

        Reconciler.Report adopt = reconciler("adopt").reconcile();
        Reconciler.Report cancel = reconciler("cancel").reconcile();

        assertThat(adopt.ignored()).containsExactly("import-ami-other");
        assertThat(cancel.ignored()).containsExactly("import-ami-other");
        assertThat(started).isEmpty();
        assertThat(cancelled).isEmpty();
    }

    @Test
    void leavesTasksThatARunningExecutionWatches() {
        active.add(task("import-ami-1", "a-raw-1"));
        executions.put("a-raw-1", new ExecutionView("a-raw-1", "RUNNING", "{}"));

        Reconciler.Report report = reconciler("adopt").reconcile();

        assertThat(report.watched()).isEqualTo(1);
        assertThat(report.adopted()).isEmpty();
        assertThat(started).isEmpty();
    }

    @Test
    void adoptsATaskWhoseExecutionDiedWithANewExecutionThatFollowsIt() throws Exception {
        active.add(task("import-ami-2", "a-raw-2"));
        String input = Json.MAPPER.writeValueAsString(ImportJob.start("a-raw-2", "2026-11-23T11:00:00Z",
                new ImportJob.SourceObject("vm2ami-images", "disks/a.raw", "v1", "e", 10L, "01", null), PipelineSettings.Timing.aws()));
        executions.put("a-raw-2", new ExecutionView("a-raw-2", "ABORTED", input));

        Reconciler.Report report = reconciler("adopt").reconcile();

        assertThat(report.adopted()).containsExactly("import-ami-2");
        String name = Reconciler.adoptionName("a-raw-2", "import-ami-2");
        ImportJob job = Json.MAPPER.readValue(started.get(name), ImportJob.class);
        assertThat(job.executionName()).isEqualTo(name);
        assertThat(job.adoption().importTaskId()).isEqualTo("import-ami-2");
        assertThat(job.adoption().previousExecution()).isEqualTo("a-raw-2");
        assertThat(job.source().versionId()).isEqualTo("v1");
        assertThat(job.receivedAt()).isEqualTo("2026-11-23T11:00:00Z");
        assertThat(job.submission().attempt()).isEqualTo(2);
        assertThat(job.task().next()).isEqualTo(TaskDecision.WAIT);
    }

    @Test
    void anAdoptedSnapshotTaskCarriesWhatRegisterImageNeedsFromTheTasksTags() throws Exception {
        ImportTaskView t = task("import-snap-3", "a-raw-3");
        Map<String, String> tags = new java.util.HashMap<>(t.tags());
        tags.put(ImportSubmitter.TAG_ARCHITECTURE, "arm64");
        tags.put(ImportSubmitter.TAG_BOOT_MODE, "uefi");
        active.add(new ImportTaskView(t.importTaskId(), t.status(), "downloading/converting", 30, null, List.of(), tags));

        reconciler("adopt").reconcile();

        ImportJob job = Json.MAPPER.readValue(started.get(Reconciler.adoptionName("a-raw-3", "import-snap-3")), ImportJob.class);
        assertThat(job.submission().importPath()).isEqualTo(dev.vm2ami.image.verdict.ImportPath.SNAPSHOT);
        assertThat(job.image().architecture()).isEqualTo("arm64");
        assertThat(job.image().bootMode()).isEqualTo("uefi");
    }

    @Test
    void adoptsATaskOnlyOnceAcrossRuns() {
        active.add(task("import-ami-3", "gone-3"));

        reconciler("adopt").reconcile();
        Reconciler.Report second = reconciler("adopt").reconcile();

        assertThat(started).hasSize(1);
        assertThat(second.adopted()).isEmpty();
        assertThat(second.watched()).isEqualTo(1);
    }

    @Test
    void cancelsOrphansWhenConfiguredTo() {
        active.add(task("import-ami-4", "gone-4"));

        Reconciler.Report report = reconciler("cancel").reconcile();

        assertThat(cancelled).containsExactly("import-ami-4");
        assertThat(report.cancelled()).containsExactly("import-ami-4");
    }

    @Test
    void ignoresImportTasksVm2amiDidNotStart() {
        active.add(task("import-ami-5", null));

        Reconciler.Report report = reconciler("adopt").reconcile();

        assertThat(report.ignored()).containsExactly("import-ami-5");
        assertThat(cancelled).isEmpty();
        assertThat(started).isEmpty();
    }
}
