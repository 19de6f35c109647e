package dev.vm2ami.importtask;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.FailureCategory;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.TaskDecision;
import dev.vm2ami.job.TransientFailure;
import dev.vm2ami.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImportSubmitterTest {
    final ImportJob inspected = Fixtures.job("events/jobs/after-inspect.json");
    final List<ImportRequest> requests = new ArrayList<>();
    final Deque<Object> answers = new ArrayDeque<>();
    int active;

    final List<ImportRequest> snapshotRequests = new ArrayList<>();
    final ImportService imports = new ImportService() {
        @Override
        public String startImport(ImportRequest request) {
            requests.add(request);
            Object next = answers.removeFirst();
            if (next instanceof RuntimeException e) throw e;
            return (String) next;
        }

        @Override
        public String startSnapshotImport(ImportRequest request) {
            snapshotRequests.add(request);
            return startImport(request);
        }

        @Override
        public Optional<ImportTaskView> describe(String importTaskId) {
            throw new AssertionError("not used");
        }

        @Override
        public int countActive() {
            return active;
        }

        @Override
        public List<ImportTaskView> active() {
            throw new AssertionError("not used");
        }

        @Override
        public void cancel(String importTaskId, String reason) {
            throw new AssertionError("not used");
        }
    };

    /** What the image's key holds now: by default the version the fixture's pre-flight check read. */
    Optional<SourceObjects.Latest> latest = Optional.of(new SourceObjects.Latest(inspected.source().versionId(), inspected.source().etag()));
    final SourceObjects sources = (bucket, key) -> latest;

    ImportSubmitter submitter(PipelineSettings settings) {
        return new ImportSubmitter(imports, sources, settings, "arn:aws:states:us-east-1:111122223333:stateMachine:vm2ami-import-image",
                new Backoff(new Random(3)),
                Clock.fixed(Instant.parse("2026-11-23T10:00:05Z"), ZoneOffset.UTC));
    }

    ImportSubmitter submitter() {
        return submitter(PipelineSettings.defaults().withVmimportRoleName("vm2ami-prod-vmimport"));
    }

    @Test
    void takesTheSnapshotPathTheInspectionChoseAndKeepsItForTheNextAttempt() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode tree = dev.vm2ami.job.Json.MAPPER.valueToTree(inspected);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.path("inspection")).put("importPath", "SNAPSHOT");
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.path("image")).put("architecture", "arm64");
        ImportJob snapshotJob = dev.vm2ami.job.Json.MAPPER.treeToValue(tree, ImportJob.class);
        answers.add("import-snap-1");

        ImportJob job = submitter().submit(snapshotJob);

        assertThat(snapshotRequests).singleElement().satisfies(r -> {
            assertThat(r.roleName()).isEqualTo("vm2ami-prod-vmimport");
            assertThat(r.taskTags()).containsKey(ImportSubmitter.TAG_EXECUTION);
            assertThat(r.taskTags()).containsEntry(ImportSubmitter.TAG_ARCHITECTURE, "arm64")
                    .containsEntry(ImportSubmitter.TAG_BOOT_MODE, "legacy-bios");
        });
        assertThat(job.submission().importPath()).isEqualTo(dev.vm2ami.image.verdict.ImportPath.SNAPSHOT);
        assertThat(job.task().importTaskId()).isEqualTo("import-snap-1");
        assertThat(ImportSubmitter.pathOf(job)).isEqualTo(dev.vm2ami.image.verdict.ImportPath.SNAPSHOT);
    }

    @Test
    void startsTheImportWithTheRoleTheOptionsATokenAndTagsThatNameTheExecution() {
        answers.add("import-ami-1");

        ImportJob job = submitter().submit(inspected);

        ImportRequest r = requests.get(0);
        assertThat(r.format()).isEqualTo("vmdk");
        assertThat(r.bucket()).isEqualTo("vm2ami-images");
        assertThat(r.key()).isEqualTo("disks/web-01.vmdk");
        assertThat(r.roleName()).isEqualTo("vm2ami-prod-vmimport");
        assertThat(r.bootMode()).isEqualTo("legacy-bios");
        assertThat(r.clientToken()).isEqualTo(ImportSubmitter.clientToken(inspected.executionName(), 1)).hasSizeLessThanOrEqualTo(64);
        assertThat(r.taskTags()).containsEntry(ImportSubmitter.TAG_EXECUTION, inspected.executionName())
                .containsEntry(ImportSubmitter.TAG_SOURCE_KEY, "disks/web-01.vmdk").containsEntry(ImportSubmitter.TAG_ATTEMPT, "1")
                .containsEntry(ImportSubmitter.TAG_STATE_MACHINE, "arn:aws:states:us-east-1:111122223333:stateMachine:vm2ami-import-image");
        assertThat(job.submission().admitted()).isTrue();
        assertThat(job.submission().importTaskId()).isEqualTo("import-ami-1");
        assertThat(job.attempts()).singleElement().satisfies(a -> {
            assertThat(a.attempt()).isEqualTo(1);
            assertThat(a.submittedAt()).isEqualTo("2026-11-23T10:00:05Z");
        });
        assertThat(job.task().next()).isEqualTo(TaskDecision.WAIT);
        assertThat(job.task().nextCheckSeconds()).isEqualTo(30);
    }

    @Test
    void anExhaustedImportQuotaIsWaitedOutWithGrowingJitteredBackoffOnTheSameAttempt() {
        for (int i = 0; i < 6; i++) answers.add(new ImportApiException("ResourceCountLimitExceeded", "too many", 400, null));
        answers.add("import-ami-9");

        ImportJob job = inspected;
        List<Integer> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            job = submitter().submit(job);
            assertThat(job.submission().admitted()).isFalse();
            assertThat(job.submission().attempt()).isEqualTo(1);
            assertThat(job.failure()).isNull();
            waits.add(job.submission().retryAfterSeconds());
        }
        job = submitter().submit(job);

        for (int i = 0; i < waits.size(); i++) {
            int ceiling = Math.min(900, 60 << i);
            assertThat(waits.get(i)).as("wait %d", i + 1).isBetween(1, ceiling);
        }
        assertThat(job.submission().admitted()).isTrue();
        assertThat(job.submission().quotaWaits()).isEqualTo(6);
        assertThat(requests).extracting(ImportRequest::clientToken).containsOnly(ImportSubmitter.clientToken(inspected.executionName(), 1));
    }

    @Test
    void aNewAttemptAfterARetryableFailureGetsAFreshToken() {
        answers.add("import-ami-1");
        answers.add("import-ami-2");

        ImportJob second = submitter().submit(submitter().submit(inspected));

        assertThat(second.submission().attempt()).isEqualTo(2);
        assertThat(requests.get(1).clientToken()).isNotEqualTo(requests.get(0).clientToken());
        assertThat(second.attempts()).extracting(ImportJob.Attempt::importTaskId).containsExactly("import-ami-1", "import-ami-2");
    }

    @Test
    void aMissingServiceRoleIsAPermissionsFailureWithTheRoleToFix() {
        answers.add(new ImportApiException("InvalidParameter",
                "The service role vm2ami-prod-vmimport provided does not exist or does not have sufficient permissions", 400, null));

        ImportJob job = submitter().submit(inspected);

        assertThat(job.failure().category()).isEqualTo(FailureCategory.PERMISSIONS);
        assertThat(job.failure().awsMessage()).contains("vm2ami-prod-vmimport");
        assertThat(job.failure().hint()).contains("vmie.amazonaws.com");
    }

    @Test
    void anAwsSideErrorIsLeftToTheStateMachinesRetry() {
        answers.add(new ImportApiException("InternalError", "We encountered an internal error.", 500, null));

        assertThatThrownBy(() -> submitter().submit(inspected)).isInstanceOf(TransientFailure.class)
                .hasMessageContaining("disks/web-01.vmdk");
    }

    @Test
    void theOwnAdmissionLimitHoldsImportsBackWithoutCallingImportImage() {
        active = 5;
        PipelineSettings limited = new PipelineSettings("", "", "auto", "", "", Map.of(), "", "vmimport", 5,
                PipelineSettings.DEFAULT_NAME_TEMPLATE, "1", "adopt", PipelineSettings.Timing.aws(), null);

        ImportJob job = submitter(limited).submit(inspected);

        assertThat(job.submission().admitted()).isFalse();
        assertThat(requests).isEmpty();
    }

    @Test
    void doesNotImportAKeyOverwrittenSinceItWasInspected() {
        latest = Optional.of(new SourceObjects.Latest("a-newer-version", "0123"));

        ImportJob job = submitter().submit(inspected);

        assertThat(requests).as("no ImportImage").isEmpty();
        assertThat(job.failure().category()).isEqualTo(dev.vm2ami.job.FailureCategory.CLIENT_ERROR);
        assertThat(job.failure().message()).contains("was overwritten after vm2ami inspected it")
                .contains(inspected.source().versionId()).contains("a-newer-version");
    }

    @Test
    void doesNotImportAKeyDeletedSinceItWasInspected() {
        latest = Optional.empty();

        ImportJob job = submitter().submit(inspected);

        assertThat(requests).isEmpty();
        assertThat(job.failure().message()).contains("was deleted after vm2ami inspected it");
    }
}
