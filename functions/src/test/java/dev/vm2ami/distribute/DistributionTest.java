package dev.vm2ami.distribute;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vm2ami.config.DistributionOptions;
import dev.vm2ami.job.AmiDecision;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.Json;
import dev.vm2ami.job.TransientFailure;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The distribute and copy steps against an in-memory EC2 of several regions, SSM and S3. */
class DistributionTest {
    static final Instant NOW = Instant.parse("2026-12-02T09:00:00Z");
    static final String ORG = "arn:aws:organizations::111122223333:organization/o-abcde12345";
    static final String EU_KEY = "arn:aws:kms:eu-west-1:111122223333:key/k-1";

    /** EC2 of one region: images with their state, tags, launch permissions; snapshots' volume permissions. */
    static final class Region implements RegionalImages {
        final String name;
        final Map<String, String> state = new HashMap<>();
        final Map<String, Map<String, String>> tags = new HashMap<>();
        final Map<String, List<String>> launch = new HashMap<>();
        final Map<String, List<String>> volumePermissions = new HashMap<>();
        final Map<String, String> deprecation = new HashMap<>();
        final Map<String, String> imds = new HashMap<>();
        final Map<String, String> copiesByToken = new HashMap<>();
        final List<String> kmsKeys = new ArrayList<>();
        String refuseCopy;
        int failNextCalls;

        Region(String name) { this.name = name; }

        void image(String id, String state) {
            this.state.put(id, state);
            tags.put(id, new LinkedHashMap<>(Map.of("Name", "web-01", "vm2ami:execution", "web-01-exec")));
        }

        @Override public String region() { return name; }
        @Override public Optional<AmiView> describe(String imageId) {
            if (!state.containsKey(imageId)) return Optional.empty();
            return Optional.of(new AmiView(imageId, state.get(imageId), null, List.of("snap-" + imageId.substring(4)),
                    tags.getOrDefault(imageId, Map.of())));
        }
        @Override public String copyFrom(String sourceRegion, String sourceImageId, String name, String description, String kmsKeyId, String token) {
            if (failNextCalls-- > 0) throw new TransientFailure("RequestLimitExceeded", null);
            if (refuseCopy != null) throw new CopyRefused(refuseCopy, null);
            kmsKeys.add(kmsKeyId);
            return copiesByToken.computeIfAbsent(token, t -> {
                String id = "ami-" + this.name.replace("-", "") + copiesByToken.size();
                state.put(id, "pending");
                return id;
            });
        }
        @Override public void tag(List<String> ids, Map<String, String> t) { ids.forEach(id -> tags.computeIfAbsent(id, k -> new LinkedHashMap<>()).putAll(t)); }
        @Override public void share(String imageId, DistributionOptions.ShareWith with) {
            List<String> l = launch.computeIfAbsent(imageId, k -> new ArrayList<>());
            l.addAll(with.accounts()); l.addAll(with.organizationArns()); l.addAll(with.organizationalUnitArns());
        }
        @Override public void shareSnapshot(String snapshotId, List<String> accounts) { volumePermissions.computeIfAbsent(snapshotId, k -> new ArrayList<>()).addAll(accounts); }
        @Override public void deprecate(String imageId, Instant at) { deprecation.put(imageId, at.toString()); }
        @Override public void requireImdsV2(String imageId) { imds.put(imageId, "v2.0"); }
    }

    final Map<String, Region> regions = new HashMap<>();
    final Map<String, String> parameters = new HashMap<>();
    final List<String> sourceCalls = new ArrayList<>();
    Optional<String> deleteAnswer = Optional.empty();

    Region region(String name) { return regions.computeIfAbsent(name, Region::new); }

    final SourceVersions sources = new SourceVersions() {
        @Override public void tag(ImportJob.SourceObject s, String key, String value) { sourceCalls.add("tag " + s.versionId() + " " + key + "=" + value); }
        @Override public Optional<String> delete(ImportJob.SourceObject s) { sourceCalls.add("delete " + s.versionId()); return deleteAnswer; }
    };
    final Parameters ssm = (region, name, imageId) -> parameters.put(region + ":" + name, imageId);
    final Distributor distributor = new Distributor(this::region, ssm, sources, "us-east-1", Clock.fixed(NOW, ZoneOffset.UTC));
    final RegionCopier copier = new RegionCopier(this::region, ssm, "us-east-1");

    ImportJob available(String manifest) throws Exception {
        ObjectNode job = (ObjectNode) Json.MAPPER.readTree(Files.readString(Path.of("events/jobs/after-submit.json")));
        ImportJob j = Json.MAPPER.treeToValue(job, ImportJob.class);
        DistributionOptions options = new dev.vm2ami.inspect.ImageOptionsResolver(dev.vm2ami.config.PipelineSettings.defaults())
                .resolve("RAW", Map.of(), Optional.of(manifest)).options().distribution();
        region("us-east-1").image("ami-home1", "available");
        return j.withImage(new ImportJob.ImageOptions("RAW", null, null, null, null, null, null, null, null, Map.of(), options, null, null))
                .withAmi(new ImportJob.AmiResult("ami-home1", "web-01-20261202", "us-east-1", List.of("snap-home1"), "ami-intermediate",
                        AmiDecision.DONE, 0));
    }

    /** Runs one region's iteration as the state machine does: steps until the copy is no longer PENDING. */
    ImportJob.RegionCopy iterate(ImportJob job, ImportJob.RegionCopy copy) {
        for (int i = 0; i < 10 && ImportJob.RegionCopy.PENDING.equals(copy.status()); i++) {
            copy = copier.step(job, copy);
            if (copy.imageId() != null && "pending".equals(region(copy.region()).state.get(copy.imageId()))) {
                region(copy.region()).state.put(copy.imageId(), "available"); // EC2 finishes the copy between two looks
            }
        }
        return copy;
    }

    @Test
    void everythingAtOnceSharesCopiesPublishesDeprecatesAndTagsTheSource() throws Exception {
        ImportJob job = available("""
                {"shareWith": {"accounts": ["111122223333"], "organizationArns": ["%s"]}, "copyToRegions": ["eu-west-1"],
                 "regionKmsKeys": {"eu-west-1": "%s"}, "ssmParameter": "/images/{stem}/latest", "deprecateAfterDays": 90,
                 "imdsSupport": "v2.0", "sourceDisposition": "tag"}""".formatted(ORG, EU_KEY));

        ImportJob distributed = distributor.handle(job);

        Region home = region("us-east-1");
        assertThat(home.launch.get("ami-home1")).containsExactly("111122223333", ORG);
        assertThat(home.volumePermissions.get("snap-home1")).containsExactly("111122223333");
        assertThat(home.deprecation.get("ami-home1")).isEqualTo("2027-03-02T09:00:00Z");
        assertThat(home.imds.get("ami-home1")).isEqualTo("v2.0");
        assertThat(parameters).containsEntry("us-east-1:/images/web-01/latest", "ami-home1");
        assertThat(distributed.distribution().copies()).containsExactly(
                new ImportJob.RegionCopy("eu-west-1", null, ImportJob.RegionCopy.PENDING, null, 0));
        assertThat(sourceCalls).as("the source waits for the copies").isEmpty();

        ImportJob.RegionCopy copy = iterate(distributed, distributed.distribution().copies().get(0));

        Region eu = region("eu-west-1");
        assertThat(copy.status()).isEqualTo(ImportJob.RegionCopy.AVAILABLE);
        assertThat(eu.kmsKeys).containsExactly(EU_KEY);
        assertThat(eu.tags.get(copy.imageId())).containsEntry("Name", "web-01").containsEntry("vm2ami:execution", "web-01-exec");
        assertThat(eu.launch.get(copy.imageId())).containsExactly("111122223333", ORG);
        assertThat(eu.volumePermissions.get("snap-" + copy.imageId().substring(4))).containsExactly("111122223333");
        assertThat(eu.deprecation.get(copy.imageId())).isEqualTo("2027-03-02T09:00:00Z");
        assertThat(eu.imds.get(copy.imageId())).isEqualTo("v2.0");
        assertThat(parameters).containsEntry("eu-west-1:/images/web-01/latest", copy.imageId());

        ImportJob done = distributor.handle(distributed.withDistribution(distributed.distribution().withCopies(List.of(copy))));
        assertThat(sourceCalls).containsExactly("tag " + job.source().versionId() + " vm2ami:ami-id=ami-home1");
        assertThat(done.distribution().sourceDisposition()).isEqualTo("tagged");
    }

    @Test
    void aCopyStepRunTwiceMakesOneCopy() throws Exception {
        ImportJob job = distributor.handle(available("{\"copyToRegions\": [\"eu-west-1\"]}"));
        ImportJob.RegionCopy pending = job.distribution().copies().get(0);

        ImportJob.RegionCopy first = copier.step(job, pending);
        ImportJob.RegionCopy again = copier.step(job, pending);

        assertThat(again.imageId()).isEqualTo(first.imageId());
        assertThat(region("eu-west-1").copiesByToken).hasSize(1);
    }

    @Test
    void aRefusedCopyFailsOnlyItsRegionAndKeepsTheSourceThatWasToBeDeleted() throws Exception {
        region("ap-east-1").refuseCopy = "CopyImage in ap-east-1 was refused: AuthFailure";
        ImportJob job = distributor.handle(available(
                "{\"copyToRegions\": [\"eu-west-1\", \"ap-east-1\"], \"sourceDisposition\": \"delete\"}"));

        List<ImportJob.RegionCopy> copies = job.distribution().copies().stream().map(c -> iterate(job, c)).toList();
        ImportJob done = distributor.handle(job.withDistribution(job.distribution().withCopies(copies)));

        assertThat(copies).extracting(ImportJob.RegionCopy::region, ImportJob.RegionCopy::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("eu-west-1", "AVAILABLE"), org.assertj.core.groups.Tuple.tuple("ap-east-1", "FAILED"));
        assertThat(copies.get(1).message()).contains("AuthFailure");
        assertThat(sourceCalls).isEmpty();
        assertThat(done.distribution().sourceDisposition()).isEqualTo("kept");
        assertThat(done.distribution().sourceNote()).contains("ap-east-1");
    }

    @Test
    void throttlingIsLeftToTheStateMachinesRetries() throws Exception {
        ImportJob job = distributor.handle(available("{\"copyToRegions\": [\"eu-west-1\"]}"));
        region("eu-west-1").failNextCalls = 1;

        assertThatThrownBy(() -> copier.step(job, job.distribution().copies().get(0))).isInstanceOf(TransientFailure.class);
    }

    @Test
    void withoutCopiesTheSourceIsDisposedOfInTheSameStepAndDeletionTakesExactlyThatVersion() throws Exception {
        ImportJob job = available("{\"shareWith\": {\"accounts\": [\"111122223333\"]}, \"sourceDisposition\": \"delete\"}");

        ImportJob done = distributor.handle(job);

        assertThat(sourceCalls).containsExactly("delete " + job.source().versionId());
        assertThat(done.distribution().sourceDisposition()).isEqualTo("deleted");
        assertThat(done.distribution().copies()).isEmpty();
    }

    @Test
    void aSourceThatNoLongerHoldsTheImportedContentIsKept() throws Exception {
        deleteAnswer = Optional.of("kept: the key now holds another object");
        ImportJob done = distributor.handle(available("{\"sourceDisposition\": \"delete\"}"));

        assertThat(done.distribution().sourceDisposition()).isEqualTo("kept");
        assertThat(done.distribution().sourceNote()).contains("another object");
    }

    @Test
    void aCopyThatEc2FailsIsFailedWithItsState() throws Exception {
        ImportJob job = distributor.handle(available("{\"copyToRegions\": [\"eu-west-1\"]}"));
        ImportJob.RegionCopy started = copier.step(job, job.distribution().copies().get(0));
        region("eu-west-1").state.put(started.imageId(), "failed");

        ImportJob.RegionCopy settled = copier.step(job, started);

        assertThat(settled.status()).isEqualTo(ImportJob.RegionCopy.FAILED);
        assertThat(settled.message()).contains("is failed");
    }
}
