package dev.vm2ami.local.cli;

import dev.vm2ami.sampleimages.SampleImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./vm2ami} launcher as a user runs it: from another directory with relative paths, and
 * through a symlink on PATH. Runs in the integration-test phase, after the jar it launches is packaged.
 */
@Tag("launcher")
@EnabledIfSystemProperty(named = "vm2ami.launcherTests", matches = "true",
        disabledReason = "runs in the integration-test phase, once the jar it launches is packaged")
class LauncherIT {
    /** The surefire working directory is the repository root (local/pom.xml). */
    private static final Path LAUNCHER = Path.of("vm2ami").toAbsolutePath();

    @TempDir
    static Path home;

    private static Path images;

    @BeforeAll
    static void images() throws IOException {
        images = Files.createDirectories(home.resolve("images"));
        Files.write(images.resolve("disk.raw"), SampleImages.rawWithLinuxPartition(1 << 20));
    }

    record Run(int status, String out, String err) {}

    private static Run run(Path directory, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(directory.toFile());
        builder.environment().put("VM2AMI_SKIP_BUILD", "1"); // the build that runs this test made the jar
        builder.environment().putAll(env);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the launcher finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void resolvesRelativePathsAgainstTheCallersDirectory() throws Exception {
        Run r = run(images, Map.of(), LAUNCHER.toString(), "check", "disk.raw", "../images/disk.raw");

        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("disk.raw: ACCEPT").contains("../images/disk.raw: ACCEPT");
    }

    @Test
    void runsThroughASymlinkOnPath() throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path link = bin.resolve("vm2ami");
        if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, LAUNCHER);

        Run r = run(images, Map.of("PATH", bin + ":" + System.getenv("PATH")), "bash", "-c", "vm2ami check disk.raw");

        assertThat(r.err()).doesNotContain("No such file");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("disk.raw: ACCEPT");
    }

    @Test
    void namesThePathItLookedForWhenAFileIsMissing() throws Exception {
        Run r = run(images, Map.of(), LAUNCHER.toString(), "check", "disk.raw", "nowhere.vmdk");

        assertThat(r.status()).isEqualTo(2);
        assertThat(r.out()).contains("disk.raw: ACCEPT");
        assertThat(r.err()).contains("nowhere.vmdk: no such file (looked for " + images.toRealPath().resolve("nowhere.vmdk") + ")");
    }

    @Test
    void upShowsEachImagesProgressAndRemovesItsWorkFolderOnExit() throws Exception {
        Path log = home.resolve("up.log");
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "up").directory(images.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("VM2AMI_SKIP_BUILD", "1");
        Process up = builder.start();
        try {
            String ready = awaitLine(log, up, "ready in ", Duration.ofSeconds(240));
            Map<String, String> printed = new java.util.HashMap<>();
            for (String line : ready.lines().toList()) {
                int colon = line.indexOf(": ");
                if (colon > 0 && !line.startsWith(" ")) printed.put(line.substring(0, colon), line.substring(colon + 2));
            }
            try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(printed.get("endpoint"))).region(Region.US_EAST_1)
                    .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .build()) {
                s3.putObject(r -> r.bucket(printed.get("bucket")).key("tried/disk.raw"), images.resolve("disk.raw"));
            }
            String shown = awaitLine(log, up, "SUCCEEDED: vm2ami: disk.raw is ami-", Duration.ofSeconds(240));
            // A line per stage change: one or more while it is inspected and imported, then the outcome.
            List<String> lines = shown.lines().filter(l -> l.matches("  \\d\\d:\\d\\d:\\d\\d  tried/disk\\.raw +.*")).toList();
            assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
            assertThat(lines.getLast()).contains("SUCCEEDED: vm2ami: disk.raw is ami-");
            Path workFolder = Path.of(printed.get("function-logs")).getParent();
            assertThat(workFolder).exists();

            up.destroy(); // SIGTERM, as Ctrl-C or a service manager stops it
            assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log)).contains("stopped; work folder removed");
            assertThat(workFolder).doesNotExist();
        } finally {
            up.destroyForcibly();
        }
    }

    private static String awaitLine(Path log, Process process, String text, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            String content = Files.readString(log);
            if (content.contains(text)) return content;
            if (!process.isAlive()) throw new AssertionError("up ended before printing '" + text + "':\n" + content);
            Thread.sleep(500);
        }
        throw new AssertionError("up did not print '" + text + "' within " + limit + ":\n" + Files.readString(log));
    }

    @Test
    void helpHasNoColourCodesInPipedOutput() throws Exception {
        Run r = run(images, Map.of(), LAUNCHER.toString(), "check", "--help");

        assertThat(r.status()).isZero();
        assertThat(r.out() + r.err()).doesNotContain("\u001b[");
    }
}
