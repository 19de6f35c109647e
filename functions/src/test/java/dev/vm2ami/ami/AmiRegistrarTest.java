package dev.vm2ami.ami;

import dev.vm2ami.config.DistributionOptions;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.job.AmiDecision;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.TaskDecision;
import dev.vm2ami.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AmiRegistrarTest {
    /** EC2's image names: RegisterImage refuses a taken one. */
    static final class FakeImages implements Images {
        final Map<String, ImageView> byName = new LinkedHashMap<>();
        final List<Registration> registrations = new ArrayList<>();

        @Override public Optional<ImageView> describe(String imageId) { return Optional.empty(); }
        @Override public String copy(String s, String n, String d, String k, String t) { throw new AssertionError("the snapshot path registers"); }
        @Override public String register(Registration r) {
            registrations.add(r);
            if (byName.containsKey(r.name())) throw new DuplicateNameException(r.name(), null);
            String id = "ami-" + (byName.size() + 1);
            byName.put(r.name(), new ImageView(id, "pending", r.name(), List.of(r.snapshotId())));
            return id;
        }
        @Override public Optional<ImageView> findByName(String name) { return Optional.ofNullable(byName.get(name)); }
        @Override public void tag(List<String> resourceIds, Map<String, String> tags) { }
        @Override public void deregister(String imageId) { }
        @Override public void deleteSnapshot(String snapshotId) { }
        @Override public String region() { return "us-east-1"; }
    }

    final FakeImages images = new FakeImages();
    final AmiRegistrar registrar = new AmiRegistrar(images, PipelineSettings.defaults(),
            Clock.fixed(Instant.parse("2026-11-23T10:40:00Z"), ZoneOffset.UTC));

    /** An arm64 image whose ImportSnapshot task completed with its snapshot. */
    static ImportJob snapshotted() {
        ImportJob job = Fixtures.job("events/jobs/after-submit.json");
        ImportJob.TaskStatus t = job.task();
        ImportJob.ImageOptions o = job.image();
        DistributionOptions imdsV2 = new DistributionOptions(null, List.of(), Map.of(), "", null, DistributionOptions.IMDS_V2, DistributionOptions.KEEP);
        return job.withImage(new ImportJob.ImageOptions(o.format(), o.team(), null, "uefi", null, "Linux", "arm64", null, null,
                        o.tags(), imdsV2, "auto", null))
                .withTask(new ImportJob.TaskStatus("import-snap-0c1", "completed", "completed", null, null, List.of("snap-0imported"),
                        t.stages(), t.lastChangeAt(), TaskDecision.FINISH, 0, null, null, 5, 0));
    }

    @Test
    void registersTheSnapshotWithTheArchitectureBootModeAndTheNameAndTagsOfTheImagePath() {
        ImportJob job = registrar.register(snapshotted());

        Images.Registration r = images.registrations.get(0);
        assertThat(r.architecture()).isEqualTo("arm64");
        assertThat(r.bootMode()).isEqualTo("uefi");
        assertThat(r.rootDeviceName()).isEqualTo("/dev/xvda");
        assertThat(r.snapshotId()).isEqualTo("snap-0imported");
        assertThat(r.imdsSupport()).isEqualTo("v2.0");
        assertThat(r.tpmSupport()).isNull();
        assertThat(r.name()).isEqualTo("web-01-20261123-100000");
        assertThat(r.tags()).containsEntry("Name", "web-01-20261123-100000").containsEntry("vm2ami:import-task-id", "import-snap-0c1")
                .containsEntry("CostCenter", "42");
        assertThat(job.ami().imageId()).isEqualTo("ami-1");
        assertThat(job.ami().intermediateImageId()).as("nothing to retire").isNull();
        assertThat(job.ami().snapshotIds()).containsExactly("snap-0imported");
        assertThat(job.ami().next()).isEqualTo(AmiDecision.WAIT);
    }

    @Test
    void aRetriedStepGetsTheAmiItsFirstRunRegisteredNotASecondOne() {
        ImportJob first = registrar.register(snapshotted());
        ImportJob lostAnswer = snapshotted(); // the first run's answer never reached the state machine

        ImportJob again = registrar.register(lostAnswer);

        assertThat(again.ami().imageId()).isEqualTo(first.ami().imageId());
        assertThat(images.byName).hasSize(1);
    }

    @Test
    void aNameTakenByAnotherAmiGetsASuffix() {
        images.byName.put("web-01-20261123-100000", new ImageView("ami-other", "available", "web-01-20261123-100000", List.of("snap-x")));

        ImportJob job = registrar.register(snapshotted());

        assertThat(job.ami().imageName()).startsWith("web-01-20261123-100000-").isNotEqualTo("web-01-20261123-100000");
        assertThat(job.ami().imageId()).isEqualTo("ami-2");
    }
}
