package dev.vm2ami.inspect;

import dev.vm2ami.config.ConversionSettings;
import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.image.finding.Finding;
import dev.vm2ami.image.read.ByteRangeReader;
import dev.vm2ami.image.verdict.ImageInspector;
import dev.vm2ami.image.verdict.Verdict;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.TransientFailure;
import dev.vm2ami.sampleimages.Containers;
import dev.vm2ami.sampleimages.ConvertibleImages;
import dev.vm2ami.sampleimages.DiskBuilder;
import dev.vm2ami.sampleimages.FileSystemSample;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The inspect step over an in-memory bucket: what it puts into the job for each kind of object. */
class PreflightCheckTest {
    static final long MIB = 1L << 20;
    static final String BUCKET = "vm2ami-images";

    /** A bucket: object key -> image, key -> metadata, key -> text (manifests); and what was asked of it. */
    final Map<String, SparseImage> images = new HashMap<>();
    final Map<String, Map<String, String>> metadata = new HashMap<>();
    final Map<String, String> texts = new HashMap<>();
    final Map<String, Map<String, String>> tags = new HashMap<>();
    final List<String> calls = new ArrayList<>();

    final ImageObjects bucket = new ImageObjects() {
        @Override
        public Optional<Head> head(ImportJob.SourceObject source) {
            calls.add("head " + source.key());
            SparseImage image = images.get(source.key());
            return image == null ? Optional.empty()
                    : Optional.of(new Head(image.length(), metadata.getOrDefault(source.key(), Map.of()),
                            source.key().startsWith("converted/") ? "cv1" : source.versionId(), "etag-" + source.key().length()));
        }

        @Override
        public Map<String, String> tags(ImportJob.SourceObject source) {
            calls.add("tags " + source.key() + " " + source.versionId());
            return tags.getOrDefault(source.key(), Map.of());
        }

        @Override
        public Optional<String> manifest(String bucketName, String key) {
            calls.add("manifest " + key);
            return Optional.ofNullable(texts.get(key));
        }

        @Override
        public ByteRangeReader reader(ImportJob.SourceObject source, long size) {
            calls.add("reader " + source.key() + " " + size);
            return images.get(source.key()).reader();
        }
    };

    final PipelineSettings settings = new PipelineSettings("", "", "auto", "", "platform", Map.of("CostCenter", "42"), "",
            "vmimport", 0, PipelineSettings.DEFAULT_NAME_TEMPLATE, "1", "adopt", PipelineSettings.Timing.aws(), null);
    final PreflightCheck check = new PreflightCheck(bucket, settings, new ImageInspector());

    static ImportJob jobFor(String key) {
        return ImportJob.start("exec-1", "2026-11-23T10:00:00Z",
                new ImportJob.SourceObject(BUCKET, key, "v1", "etag", 1L, "seq", "2026-11-23T09:59:58Z"), PipelineSettings.Timing.aws());
    }

    /** An MBR disk with boot code and an ext4 root: what a BIOS Linux VM exports. */
    static SparseImage biosLinux() {
        return DiskBuilder.mbr(64 * MIB).partition("0x83", 48 * MIB, FileSystemSample.EXT4).build();
    }

    /** A GPT disk with an ESP (holding BOOTX64.EFI) and an ext4 root: a UEFI Linux VM. */
    static SparseImage uefiLinux() {
        return DiskBuilder.gpt(256 * MIB).partition(DiskBuilder.ESP, 64 * MIB, FileSystemSample.ESP_WITH_BOOTX64)
                .partition(DiskBuilder.LINUX, 128 * MIB, FileSystemSample.EXT4).build();
    }

    static List<String> codes(ImportJob job) {
        return job.inspection().findings().stream().map(Finding::code).toList();
    }

    @Test
    void rejectsAnObjectThatIsGoneWithoutReadingIt() {
        ImportJob job = check.run(jobFor("disks/deleted.raw"));

        assertThat(job.inspection().verdict()).isEqualTo(Verdict.REJECT);
        assertThat(job.inspection().format()).isEqualTo("UNKNOWN");
        assertThat(codes(job)).containsExactly("OBJECT_NOT_FOUND");
        assertThat(job.inspection().findings().get(0).message()).contains("s3://vm2ami-images/disks/deleted.raw is gone");
        assertThat(job.image().format()).isEqualTo("UNKNOWN");
        assertThat(calls).containsExactly("head disks/deleted.raw");
    }

    @Test
    void acceptsAGoodImageAndPutsItsFormatPartitionsAndReadsIntoTheJob() {
        images.put("disks/web-01.vmdk", Containers.streamOptimizedVmdk(biosLinux()));

        ImportJob job = check.run(jobFor("disks/web-01.vmdk"));

        assertThat(job.inspection().verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(job.inspection().format()).isEqualTo("VMDK");
        assertThat(job.inspection().findings()).isEmpty();
        assertThat(job.inspection().partitions()).singleElement()
                .satisfies(p -> assertThat(p.fileSystem()).isEqualTo("ext4"));
        assertThat(job.inspection().bytesRead()).isPositive();
        assertThat(job.inspection().rangeRequests()).isPositive();
        assertThat(job.image().format()).isEqualTo("VMDK");
        assertThat(calls).containsExactly("head disks/web-01.vmdk",
                "reader disks/web-01.vmdk " + images.get("disks/web-01.vmdk").length(),
                "manifest disks/web-01.vmdk.vm2ami.json");
    }

    @Test
    void carriesARejectingVerdictAndItsFindingsToTheJob() {
        images.put("disks/snapshot.vmdk", Containers.vmdk(biosLinux(), Containers.VmdkOptions.STREAM_OPTIMIZED.withParent("5a1b2c3d")));

        ImportJob job = check.run(jobFor("disks/snapshot.vmdk"));

        assertThat(job.inspection().verdict()).isEqualTo(Verdict.REJECT);
        assertThat(codes(job)).contains("VMDK_SNAPSHOT_DELTA");
        assertThat(job.image().format()).isEqualTo("VMDK");
    }

    @Test
    void plansTheConversionOfAConvertibleImageOnLambdaWhenSmall() {
        images.put("disks/workstation.vmdk", Containers.vmdk(biosLinux(), Containers.VmdkOptions.MONOLITHIC_SPARSE));

        ImportJob job = check.run(jobFor("disks/workstation.vmdk"));

        assertThat(job.inspection().verdict()).isEqualTo(Verdict.CONVERT);
        assertThat(job.image().format()).isEqualTo("VMDK");
        ImportJob.Conversion c = job.conversion();
        assertThat(c.from()).isEqualTo("VMDK (monolithicSparse)");
        assertThat(c.to()).isEqualTo("stream-optimized VMDK");
        assertThat(c.engine()).isEqualTo("lambda");
        assertThat(c.bucket()).isEqualTo(BUCKET);
        assertThat(c.key()).isEqualTo("converted/disks/workstation.vmdk.vmdk");
        assertThat(c.sizeBytes()).isEqualTo(images.get("disks/workstation.vmdk").length());
        assertThat(c.command()).containsExactly("--from", "s3://vm2ami-images/disks/workstation.vmdk",
                "--to", "s3://vm2ami-images/converted/disks/workstation.vmdk.vmdk", "--format", "vmdk", "--source-version", "v1");
        assertThat(c.converted()).isFalse();
    }

    @Test
    void plansABatchJobForAnImageOverTheLambdaLimitAndUsesTheConfiguredPrefix() {
        SparseImage qcow2 = ConvertibleImages.qcow2(biosLinux(), false);
        images.put("disks/kvm.qcow2", qcow2);
        PreflightCheck lowLimit = new PreflightCheck(bucket, settings, new ConversionSettings("out/", qcow2.length() - 1), new ImageInspector());

        ImportJob job = lowLimit.run(jobFor("disks/kvm.qcow2"));

        assertThat(job.inspection().verdict()).isEqualTo(Verdict.CONVERT);
        assertThat(job.image().format()).isEqualTo("QCOW2");
        assertThat(job.conversion().engine()).isEqualTo("batch");
        assertThat(job.conversion().key()).isEqualTo("out/disks/kvm.qcow2.vmdk");
        assertThat(job.inspection().os()).as("an uncompressed qcow2 is read through the converter's reader").isNotNull();
    }

    @Test
    void aCompressedImageCountsItsDecompressedSize() {
        byte[] gz = ConvertibleImages.gzip(ConvertibleImages.qcow2(biosLinux(), false).toByteArray());
        images.put("disks/kvm.qcow2.gz", SparseImage.of(gz));
        PreflightCheck limit = new PreflightCheck(bucket, settings, new ConversionSettings("converted/", 2L * gz.length), new ImageInspector());

        ImportJob job = limit.run(jobFor("disks/kvm.qcow2.gz"));

        assertThat(job.inspection().verdict()).isEqualTo(Verdict.CONVERT);
        assertThat(job.conversion().from()).isEqualTo("gzip-compressed qcow2 v3");
        assertThat(job.conversion().sizeBytes()).isEqualTo(64 * MIB);
        assertThat(job.conversion().engine()).isEqualTo("batch");
    }

    @Test
    void inspectsTheConvertedObjectWithItsOsAndTakesABatchJobsFiguresFromItsTags() {
        images.put("disks/kvm.qcow2", ConvertibleImages.qcow2(biosLinux(), false));
        ImportJob planned = check.run(jobFor("disks/kvm.qcow2"));
        SparseImage converted = Containers.streamOptimizedVmdk(biosLinux());
        images.put(planned.conversion().key(), converted);
        tags.put(planned.conversion().key(), Map.of("vm2ami:conversion-bytes-read", "1048576", "vm2ami:conversion-seconds", "2.5"));
        ImportJob afterBatch = planned.withConversion(planned.conversion().onBatch());
        calls.clear();

        ImportJob job = check.run(new ImportJob(afterBatch.executionName(), afterBatch.receivedAt(), afterBatch.source(), afterBatch.timing(),
                null, afterBatch.image(), afterBatch.inspection(), null, List.of(), null, null, null, null, null, null,
                new ImportJob.Conversion(afterBatch.conversion().from(), afterBatch.conversion().to(), "vmdk", "batch",
                        BUCKET, afterBatch.conversion().key(), 1L, afterBatch.conversion().command(), null, null, null, null, null,
                        new ImportJob.BatchJob("job-1", 1_000L, 4_000L), null)));

        assertThat(job.inspection().verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(job.inspection().format()).as("the uploaded format").isEqualTo("QCOW2");
        assertThat(job.image().format()).isEqualTo("QCOW2");
        assertThat(job.inspection().os().distribution()).isNotBlank();
        assertThat(job.conversion().bytesRead()).isEqualTo(1_048_576L);
        assertThat(job.conversion().seconds()).isEqualTo(2.5);
        assertThat(job.conversion().bytesWritten()).isEqualTo(converted.length());
        assertThat(job.conversion().versionId()).isEqualTo("cv1");
        assertThat(job.importedObject().key()).isEqualTo("converted/disks/kvm.qcow2.vmdk");
        assertThat(job.source().key()).as("the job keeps the upload as its source").isEqualTo("disks/kvm.qcow2");
        assertThat(calls).first().isEqualTo("head converted/disks/kvm.qcow2.vmdk");
        assertThat(calls).doesNotContain("manifest converted/disks/kvm.qcow2.vmdk.vm2ami.json");
    }

    @Test
    void aBatchJobWithoutTheConvertersTagsReportsTheJobsRunTime() {
        images.put("disks/kvm.qcow2", ConvertibleImages.qcow2(biosLinux(), false));
        ImportJob planned = check.run(jobFor("disks/kvm.qcow2"));
        images.put(planned.conversion().key(), Containers.streamOptimizedVmdk(biosLinux()));
        ImportJob.Conversion c = planned.conversion();

        ImportJob job = check.run(planned.withConversion(new ImportJob.Conversion(c.from(), c.to(), c.format(), c.engine(), c.bucket(),
                c.key(), c.sizeBytes(), c.command(), null, null, null, null, null, new ImportJob.BatchJob("job-1", 1_000L, 4_500L), null)));

        assertThat(job.conversion().seconds()).isEqualTo(3.5);
        assertThat(job.conversion().engine()).isEqualTo("batch");
    }

    @Test
    void rejectsWhenTheConvertedObjectIsGone() {
        images.put("disks/kvm.qcow2", ConvertibleImages.qcow2(biosLinux(), false));
        ImportJob planned = check.run(jobFor("disks/kvm.qcow2"));
        ImportJob.Conversion c = planned.conversion();

        ImportJob job = check.run(planned.withConversion(c.done(10, 20, 1.0)));

        assertThat(job.inspection().verdict()).isEqualTo(Verdict.REJECT);
        assertThat(job.inspection().findings()).anySatisfy(f -> assertThat(f.message()).contains("converted image s3://vm2ami-images/converted/disks/kvm.qcow2.vmdk is gone"));
    }

    @Test
    void carriesAWarningVerdictToTheJob() {
        images.put("disks/app.vhd", biosLinux());

        ImportJob job = check.run(jobFor("disks/app.vhd"));

        assertThat(job.inspection().verdict()).isEqualTo(Verdict.WARN);
        assertThat(codes(job)).containsExactly("EXTENSION_MISMATCH");
    }

    @Test
    void asksForTheBootModePlatformAndArchitectureFoundOnTheDisk() {
        images.put("disks/uefi.raw", uefiLinux());

        ImportJob job = check.run(jobFor("disks/uefi.raw"));

        assertThat(job.inspection().verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(codes(job)).containsExactly("BOOT_MODE_DETECTED");
        assertThat(job.image().bootMode()).isEqualTo("uefi");
        assertThat(job.image().platform()).isEqualTo("Linux");
        assertThat(job.image().architecture()).isEqualTo("x86_64");
        assertThat(job.inspection().bootMode()).isEqualTo("uefi");
        assertThat(job.inspection().os().distribution()).isEqualTo("ubuntu");
        assertThat(job.inspection().os().version()).isEqualTo("22.04");
    }

    @Test
    void sendsACloudReadyArm64DownTheSnapshotPathWithItsArchitectureAndBootMode() {
        images.put("disks/graviton.raw", dev.vm2ami.sampleimages.SparseImage.of(dev.vm2ami.sampleimages.SampleImages.arm64DebianUefi()));

        ImportJob job = check.run(jobFor("disks/graviton.raw"));

        assertThat(job.inspection().importPath()).isEqualTo(dev.vm2ami.image.verdict.ImportPath.SNAPSHOT);
        assertThat(job.inspection().cloudReady()).isTrue();
        assertThat(job.image().importMode()).isEqualTo("auto");
        assertThat(job.image().architecture()).isEqualTo("arm64");
        assertThat(job.image().bootMode()).isEqualTo("uefi");
        assertThat(codes(job)).contains("SNAPSHOT_PATH").doesNotContain("ARCHITECTURE_NOT_IMPORTABLE");
    }

    @Test
    void rejectsNitroTpmForASnapshotPathImageThatBootsWithBios() {
        images.put("disks/alpine.raw", dev.vm2ami.sampleimages.SparseImage.of(dev.vm2ami.sampleimages.SampleImages.alpine()));
        texts.put("disks/alpine.raw.vm2ami.json", "{\"importMode\": \"snapshot\", \"tpmSupport\": \"v2.0\"}");

        ImportJob job = check.run(jobFor("disks/alpine.raw"));

        assertThat(job.inspection().verdict()).isEqualTo(Verdict.REJECT);
        assertThat(job.inspection().findings()).filteredOn(f -> f.code().equals("INVALID_OPTIONS")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("tpmSupport v2.0 needs boot mode uefi").contains("legacy-bios"));
    }

    @Test
    void keepsUbuntuOnTheImagePathAndNotesThatItIsCloudReady() {
        images.put("disks/app.raw", biosLinux());

        ImportJob job = check.run(jobFor("disks/app.raw"));

        assertThat(job.inspection().importPath()).isEqualTo(dev.vm2ami.image.verdict.ImportPath.IMAGE);
        assertThat(job.inspection().cloudReady()).isTrue();
        assertThat(job.inspection().verdict()).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void whatTheManifestSaysWinsOverWhatTheDiskSays() {
        images.put("disks/uefi.raw", uefiLinux());
        texts.put("disks/uefi.raw.vm2ami.json", "{\"platform\": \"Linux\", \"architecture\": \"i386\"}");

        ImportJob job = check.run(jobFor("disks/uefi.raw"));

        assertThat(job.image().architecture()).isEqualTo("i386");
        assertThat(job.inspection().os().architecture()).isEqualTo("x86_64");
    }

    @Test
    void withoutAManifestTheMetadataAndTheDefaultsGiveTheOptions() {
        images.put("disks/app.raw", biosLinux());
        metadata.put("disks/app.raw", Map.of("vm2ami-team", "web", "vm2ami-tags", "App=shop"));

        ImportJob job = check.run(jobFor("disks/app.raw"));

        assertThat(job.inspection().verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(job.image().team()).isEqualTo("web");
        assertThat(job.image().tags()).containsEntry("App", "shop").containsEntry("CostCenter", "42");
        assertThat(job.image().bootMode()).as("no default: the mode the disk boots with").isEqualTo("legacy-bios");
        assertThat(job.image().format()).isEqualTo("RAW");
    }

    @Test
    void theManifestsBootModeIsWhatTheDiskIsCheckedAgainst() {
        images.put("disks/uefi.raw", uefiLinux());
        images.put("disks/bios.raw", biosLinux());
        texts.put("disks/uefi.raw.vm2ami.json", "{\"bootMode\": \"uefi\", \"team\": \"payments\"}");
        texts.put("disks/bios.raw.vm2ami.json", "{\"bootMode\": \"uefi\"}");

        ImportJob uefi = check.run(jobFor("disks/uefi.raw"));
        ImportJob bios = check.run(jobFor("disks/bios.raw"));

        assertThat(uefi.inspection().verdict()).isEqualTo(Verdict.ACCEPT);
        assertThat(uefi.image().bootMode()).isEqualTo("uefi");
        assertThat(uefi.image().team()).isEqualTo("payments");
        assertThat(bios.inspection().verdict()).isEqualTo(Verdict.REJECT);
        assertThat(codes(bios)).containsExactly("UEFI_WITHOUT_ESP");
    }

    @Test
    void invalidOptionsRejectAnImageThatIsFineOtherwise() {
        images.put("disks/app.raw", biosLinux());
        texts.put("disks/app.raw.vm2ami.json", "{\"colour\": \"blue\"}");

        ImportJob job = check.run(jobFor("disks/app.raw"));

        assertThat(job.inspection().verdict()).isEqualTo(Verdict.REJECT);
        assertThat(codes(job)).containsExactly("INVALID_OPTIONS");
        Finding f = job.inspection().findings().get(0);
        assertThat(f.message()).contains("unknown field 'colour'");
        assertThat(f.fix()).contains("disks/app.raw.vm2ami.json");
        assertThat(job.image().format()).isEqualTo("RAW");
        assertThat(job.image().team()).isEqualTo("platform");
    }

    @Test
    void anInvalidAccountToShareWithRejectsTheImageAndAValidOneTravelsInTheJob() {
        images.put("disks/app.raw", biosLinux());
        texts.put("disks/app.raw.vm2ami.json", "{\"shareWith\": {\"accounts\": [\"11112222333\"]}}");
        images.put("disks/web.raw", biosLinux());
        texts.put("disks/web.raw.vm2ami.json", "{\"shareWith\": {\"accounts\": [\"111122223333\"]}, \"copyToRegions\": [\"eu-west-1\"]}");

        ImportJob rejected = check.run(jobFor("disks/app.raw"));
        ImportJob accepted = check.run(jobFor("disks/web.raw"));

        assertThat(rejected.inspection().verdict()).isEqualTo(Verdict.REJECT);
        assertThat(codes(rejected)).containsExactly("INVALID_OPTIONS");
        assertThat(rejected.inspection().findings().get(0).message()).contains("shareWith.accounts").contains("'11112222333'");
        assertThat(accepted.inspection().verdict()).isNotEqualTo(Verdict.REJECT);
        assertThat(accepted.image().distribution().shareWith().accounts()).containsExactly("111122223333");
        assertThat(accepted.image().distribution().copyToRegions()).containsExactly("eu-west-1");
    }

    @Test
    void aFailureToReachS3IsLeftToTheStateMachinesRetries() {
        ImageObjects unreachable = new ImageObjects() {
            @Override
            public Optional<Head> head(ImportJob.SourceObject source) {
                throw new TransientFailure("HeadObject of s3://" + source.bucket() + "/" + source.key() + " failed: timeout", null);
            }

            @Override
            public Optional<String> manifest(String bucketName, String key) {
                throw new AssertionError("not reached");
            }

            @Override
            public ByteRangeReader reader(ImportJob.SourceObject source, long size) {
                throw new AssertionError("not reached");
            }
        };

        assertThatThrownBy(() -> new PreflightCheck(unreachable, settings, new ImageInspector()).run(jobFor("disks/app.raw")))
                .isInstanceOf(TransientFailure.class).hasMessageContaining("timeout");
    }
}
