package dev.vm2ami.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.image.container.DiskFormat;
import dev.vm2ami.sampleimages.Containers;
import dev.vm2ami.sampleimages.DiskBuilder;
import dev.vm2ami.sampleimages.Ext4Builder;
import dev.vm2ami.sampleimages.LinuxRoot;
import dev.vm2ami.sampleimages.SampleImages;
import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CheckCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Vm2amiCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private Path goodRaw() throws IOException {
        return file("good.raw", SampleImages.rawWithLinuxPartition(1 << 20));
    }

    private Path badVmdk() throws IOException {
        return file("workstation.vmdk", SampleImages.monolithicSparseVmdkHeader(2048));
    }

    @Test
    void exitsZeroWhenEveryFileIsAccepted() throws IOException {
        int status = run("check", goodRaw().toString(), file("disk.vmdk", SampleImages.streamOptimizedVmdkHeader(2048)).toString());

        assertThat(status).isZero();
        assertThat(out.toString()).contains("good.raw: ACCEPT").contains("disk.vmdk: ACCEPT").contains("streamOptimized");
    }

    @Test
    void exitsOneWhenAnyFileIsRejected() throws IOException {
        int status = run("check", goodRaw().toString(), badVmdk().toString());

        assertThat(status).isEqualTo(1);
        assertThat(out.toString()).contains("workstation.vmdk: REJECT").contains("VMDK_CORRUPT").contains("fix: ");
    }

    @Test
    void exitsTwoForAMissingFile() {
        int status = run("check", dir.resolve("nowhere.vmdk").toString());

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("nowhere.vmdk").contains("no such file");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void checksEveryOtherFileWhenOneIsMissingAndExitsTwo() throws IOException {
        Path good = goodRaw();
        Path bad = badVmdk();

        int status = run("check", good.toString(), dir.resolve("nowhere.vmdk").toString(), bad.toString());

        assertThat(status).as("a missing file is a usage error, whatever the others' verdicts").isEqualTo(2);
        assertThat(out.toString()).contains("good.raw: ACCEPT").contains("workstation.vmdk: REJECT");
        assertThat(err.toString()).contains("nowhere.vmdk: no such file").contains("1 of 3 files could not be checked");
    }

    @Test
    void exitsTwoForABadBootMode() throws IOException {
        int status = run("check", "--boot-mode", "efi", goodRaw().toString());

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("legacy-bios or uefi");
    }

    @Test
    void exitsTwoForAnUnknownOption() throws IOException {
        assertThat(run("check", "--fast", goodRaw().toString())).isEqualTo(2);
    }

    @Test
    void exitsTwoWithoutFiles() {
        assertThat(run("check")).isEqualTo(2);
        assertThat(err.toString()).contains("FILE");
    }

    @Test
    void printsOneJsonObjectPerFilePerLine() throws IOException {
        int status = run("check", "--json", goodRaw().toString(), badVmdk().toString());

        List<String> lines = out.toString().lines().toList();
        assertThat(status).isEqualTo(1);
        assertThat(lines).hasSize(2);
        JsonNode good = JSON.readTree(lines.get(0));
        JsonNode bad = JSON.readTree(lines.get(1));
        assertThat(good.get("file").asText()).endsWith("good.raw");
        assertThat(good.get("format").asText()).isEqualTo("RAW");
        assertThat(good.get("verdict").asText()).isEqualTo("ACCEPT");
        assertThat(good.get("partitions").get(0).get("fileSystem").asText()).isEqualTo("ext4");
        assertThat(good.get("bytesRead").asLong()).isPositive();
        assertThat(good.get("rangeRequests").asInt()).isPositive();
        assertThat(good.get("bootMode").asText()).isEqualTo("legacy-bios");
        JsonNode os = good.get("os");
        assertThat(os.get("family").asText()).isEqualTo("linux");
        assertThat(os.get("distribution").asText()).isEqualTo("ubuntu");
        assertThat(os.get("version").asText()).isEqualTo("22.04");
        assertThat(os.get("name").asText()).isEqualTo("Ubuntu 22.04.3 LTS");
        assertThat(os.get("architecture").asText()).isEqualTo("x86_64");
        assertThat(os.get("kernels").get(0).asText()).isEqualTo("5.15.0-91-generic");
        assertThat(os.get("bootloader").asText()).isEqualTo("grub2");
        assertThat(os.get("fstab").get("entries").get(0).get("reference").asText()).isEqualTo("UUID");
        assertThat(os.get("fstab").get("findings")).isEmpty();
        assertThat(os.get("drivers").get("ena").asBoolean()).isTrue();
        assertThat(os.get("drivers").get("nvme").asBoolean()).isTrue();
        assertThat(bad.get("format").asText()).isEqualTo("VMDK");
        assertThat(bad.get("verdict").asText()).isEqualTo("REJECT");
        JsonNode finding = bad.get("findings").get(0);
        assertThat(finding.get("severity").asText()).isEqualTo("ERROR");
        assertThat(finding.get("code").asText()).isEqualTo("VMDK_CORRUPT");
        assertThat(finding.get("message").asText()).contains("grain directory");
        assertThat(finding.get("fix").asText()).contains("recreate");
    }

    @Test
    void saysConvertForAFormatVm2amiConvertsAndWhatItConvertsFrom() throws IOException {
        Path vmdk = Containers.vmdk(SparseImage.of(SampleImages.rawWithLinuxPartition(64 * 1024)), Containers.VmdkOptions.MONOLITHIC_SPARSE)
                .writeTo(dir.resolve("fusion.vmdk"));

        int status = run("check", vmdk.toString());
        int jsonStatus = run("check", "--json", vmdk.toString());

        assertThat(status).as("the pipeline takes it: not a rejection").isZero();
        assertThat(jsonStatus).isZero();
        assertThat(out.toString()).contains("fusion.vmdk: CONVERT")
                .contains("conversion: VMDK (monolithicSparse) -> stream-optimized VMDK (./vm2ami convert " + vmdk + " does it here)");
        JsonNode json = JSON.readTree(out.toString().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        assertThat(json.get("verdict").asText()).isEqualTo("CONVERT");
        assertThat(json.get("conversion").get("from").asText()).isEqualTo("VMDK (monolithicSparse)");
        assertThat(json.get("partitions").get(0).get("fileSystem").asText()).isEqualTo("ext4");
    }

    @Test
    void namesTheOsInAFewLines() throws IOException {
        int status = run("check", goodRaw().toString());

        assertThat(status).isZero();
        assertThat(out.toString()).contains("os: Ubuntu 22.04.3 LTS, x86_64, on partition 1")
                .contains("kernel 5.15.0-91-generic; boot loader grub2").contains("fstab: root by uuid; drivers: ENA yes, NVMe yes")
                .contains("boot mode: legacy-bios");
    }

    @Test
    void rejectsADiskWithoutAnOs() throws IOException {
        SparseImage data = Ext4Builder.build(new LinuxRoot().file("/projects/plan.txt", "data only"), 1 << 20, UUID.randomUUID(), "data");
        byte[] disk = DiskBuilder.mbr(4 << 20).partition("0x83", 2 << 20, data).build().toByteArray();

        int status = run("check", file("data.raw", disk).toString());

        assertThat(status).isEqualTo(1);
        assertThat(out.toString()).contains("data.raw: REJECT").contains("NO_OPERATING_SYSTEM").contains("Unknown OS / Missing OS files");
    }

    @Test
    void passesTheBootModeToTheInspection() throws IOException {
        Path gptLike = goodRaw();

        run("check", "--json", "--boot-mode", "uefi", gptLike.toString());

        assertThat(JSON.readTree(out.toString().lines().findFirst().orElseThrow()).get("findings").toString())
                .contains("UEFI_WITHOUT_ESP");
    }

    @Test
    void showsThePathTheImageTakesAndTheFindingsAsTheyStandForIt() throws IOException {
        Path arm = file("graviton.raw", SampleImages.arm64DebianUefi());

        int auto = run("check", arm.toString());
        String autoOut = out.toString();
        out.getBuffer().setLength(0);
        int image = run("check", "--json", "--import-mode", "image", arm.toString());

        assertThat(auto).isZero();
        assertThat(autoOut).contains("graviton.raw: ACCEPT").contains("import path: snapshot (ImportSnapshot + RegisterImage); cloud-ready")
                .contains("INFO    SNAPSHOT_PATH:").doesNotContain("ARCHITECTURE_NOT_IMPORTABLE:");
        assertThat(image).isEqualTo(1);
        JsonNode json = JSON.readTree(out.toString().lines().findFirst().orElseThrow());
        assertThat(json.path("importPath").asText()).isEqualTo("image");
        assertThat(json.path("cloudReady").asBoolean()).isTrue();
        assertThat(json.path("findings").toString()).contains("ARCHITECTURE_NOT_IMPORTABLE");
    }

    @Test
    void refusesAnImportModeItDoesNotKnow() throws IOException {
        assertThat(run("check", "--import-mode", "ami", goodRaw().toString())).isEqualTo(2);
    }

    @Test
    void listsEveryFindingCodeAsAMarkdownTable() {
        int status = run("check", "--list-codes");

        assertThat(status).isZero();
        assertThat(out.toString()).startsWith("| Code | Severity | Means | Fix |")
                .contains("`OVA_TOO_MANY_DISKS`").contains("`NO_PARTITION_TABLE`").contains("`EXTENSION_MISMATCH`")
                .contains("`INVALID_OPTIONS`").contains("`OBJECT_NOT_FOUND`");
    }

    @Test
    void documentsExitCodesInItsHelp() {
        run("check", "--help");

        assertThat(out.toString()).contains("--boot-mode").contains("--json").contains("Exit status").contains("1  at least one file is rejected");
    }

    @Test
    void namesEveryImageSuffixInItsHelp() {
        String files = String.join(" ", Vm2amiCli.commandLine().getSubcommands().get("check").getCommandSpec()
                .positionalParameters().get(0).description());

        for (String suffix : DiskFormat.imageSuffixes()) assertThat(files).contains(suffix + ",");
    }
}
