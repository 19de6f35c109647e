package dev.vm2ami.local.cli;

import dev.vm2ami.image.finding.Sizes;
import dev.vm2ami.local.cloud.LocalCloudOptions;
import dev.vm2ami.local.demo.DemoImage;
import dev.vm2ami.local.demo.DemoImages;
import dev.vm2ami.local.demo.ImportProgress;
import dev.vm2ami.local.pipeline.LocalDeployment;
import dev.vm2ami.local.pipeline.Notifications;
import dev.vm2ami.local.pipeline.PipelineResources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./vm2ami demo}: the product's main job, end to end, on the embedded local cloud. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the whole pipeline on the embedded local cloud: start it, deploy the pipeline, drop ten small "
                + "sample images (two good ones, an arm64 Debian that takes the snapshot path, one EC2 fails once and vm2ami retries, "
                + "one EC2 says Unknown OS for and vm2ami retries on the snapshot path, a qcow2 converted in Lambda and a VirtualBox "
                + "VDI converted as an AWS Batch job (the demo sets conversionLambdaMaxBytes to 1 MiB), three the pre-flight "
                + "check rejects: one for the OS inside it, two for their format), show each image's progress, and end with a summary and the notifications received.",
                "",
                "Exit status 0 when every image reached the outcome it should; 1 otherwise."})
final class DemoCommand implements Callable<Integer> {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Option(names = "--time-scale", paramLabel = "F",
            description = "Factor applied to AWS's import stage durations (default: ${DEFAULT-VALUE}: a 30-minute import in about 5 s).")
    double timeScale = LocalCloudOptions.DEFAULT_TIME_SCALE;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up waiting after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 300;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // Usage errors (exit 2) before anything starts.
        if (timeoutSeconds <= 0) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--timeout must be above 0, was " + timeoutSeconds);
        LocalCloudOptions options = UpCommand.options(spec, () -> LocalCloudOptions.defaults().withTimeScale(timeScale));
        PrintStream out = System.out;
        long started = System.nanoTime();
        out.println("vm2ami demo: VM disk images -> AMIs, on the embedded local cloud (moto + vm2ami's ImportImage simulator)");
        out.print("starting the local cloud and deploying the pipeline... ");
        out.flush();
        try (LocalDeployment stack = LocalDeployment.start(options, DemoImages.settings())) {
            PipelineResources p = stack.pipeline();
            out.printf("ready in %.1f s (endpoint %s)%n%n", (System.nanoTime() - started) / 1e9, stack.cloud().endpoint());

            List<DemoImage> images = DemoImages.all();
            out.println("dropping " + images.size() + " images into s3://" + p.bucket() + "/" + DemoImages.PREFIX + ":");
            for (DemoImage image : images) {
                if (image.manifest() != null) {
                    stack.cloud().clients().s3().putObject(put -> put.bucket(p.bucket()).key(image.key() + ".vm2ami.json"),
                            RequestBody.fromString(image.manifest()));
                }
                stack.cloud().clients().s3().putObject(put -> {
                    put.bucket(p.bucket()).key(image.key());
                    if (image.simulate() != null) put.tagging("simulate=" + image.simulate());
                }, RequestBody.fromBytes(image.content()));
                out.printf("  %-28s %9s  %-58s expect %s%n", image.fileName(), Sizes.human(image.content().length, "B"), image.description(),
                        image.expectedStatus());
            }
            long dropped = System.nanoTime();
            out.println();
            out.println("progress:");

            Notifications inbox = new Notifications(stack.cloud().clients().sqs(), p.inboxQueueUrl());
            ImportProgress progress = new ImportProgress(stack.cloud().clients().ec2());
            Map<String, Notifications.Received> outcomes = new LinkedHashMap<>();
            Map<String, String> shown = new LinkedHashMap<>();
            Map<String, Double> secondsToOutcome = new LinkedHashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
            while (outcomes.size() < images.size() && System.nanoTime() < deadline) {
                for (Notifications.Received n : inbox.poll(0)) {
                    outcomes.putIfAbsent(n.key(), n);
                    secondsToOutcome.putIfAbsent(n.key(), (System.nanoTime() - dropped) / 1e9);
                }
                Map<String, String> stages = progress.byKey();
                for (DemoImage image : images) {
                    Notifications.Received n = outcomes.get(image.key());
                    String now = n != null ? n.status() + ": " + n.subject()
                            : stages.getOrDefault(image.key(), "inspecting (pre-flight check)");
                    // One line per stage (not per percent), with the progress it had when first seen.
                    String stage = now.replaceAll(" \\d+%", "");
                    if (!stage.equals(shown.get(image.key()))) {
                        shown.put(image.key(), stage);
                        out.printf("  %s  %-28s %s%n", LocalTime.now().format(CLOCK), image.fileName(), now);
                    }
                }
                Thread.sleep(250);
            }

            out.println();
            out.println("summary:");
            out.printf("  %-28s %-10s %-10s %-8s %s%n", "image", "expected", "outcome", "seconds", "AMI / reason");
            int wrong = 0;
            for (DemoImage image : images) {
                Notifications.Received n = outcomes.get(image.key());
                String status = n == null ? "(none)" : n.status();
                boolean ok = image.expectedStatus().equals(status);
                if (!ok) wrong++;
                out.printf("  %-28s %-10s %-10s %-8s %s%s%n", image.fileName(), image.expectedStatus(), status,
                        n == null ? "-" : String.format("%.1f", secondsToOutcome.get(image.key())), detail(n), ok ? "" : "   <-- unexpected");
            }
            out.println();
            out.println("notifications received (SNS topic " + p.topicArn() + "):");
            for (Notifications.Received n : outcomes.values()) {
                out.println("  subject:    " + n.subject());
                out.println("  attributes: " + n.attributes());
                out.println("  body:       " + n.body());
            }
            out.println();
            out.printf("demo %s in %.1f s; %d of %d images reached their expected outcome.%n", wrong == 0 ? "passed" : "FAILED",
                    (System.nanoTime() - started) / 1e9, images.size() - wrong, images.size());
            if (wrong > 0) out.println("function logs: " + stack.cloud().functionLogs());
            return wrong == 0 ? 0 : 1;
        }
    }

    /** "; shared with 1 account; eu-west-1: ami-… AVAILABLE; SSM /images/…; source tagged", or "" without distribution. */
    private static String distribution(com.fasterxml.jackson.databind.JsonNode b) {
        StringBuilder s = new StringBuilder();
        int accounts = b.path("sharedWith").path("accounts").size();
        if (accounts > 0) s.append("; shared with ").append(accounts).append(accounts == 1 ? " account" : " accounts");
        b.path("copies").forEach(c -> s.append("; ").append(c.path("region").asText()).append(": ")
                .append(c.path("imageId").asText("-")).append(" ").append(c.path("status").asText()));
        if (b.has("ssmParameter")) s.append("; SSM ").append(b.path("ssmParameter").asText());
        if (b.path("source").has("disposition")) s.append("; source ").append(b.path("source").path("disposition").asText());
        return s.toString();
    }

    private static String detail(Notifications.Received n) {
        if (n == null) return "no notification arrived";
        var b = n.body();
        return switch (n.status()) {
            case "SUCCEEDED" -> b.path("imageId").asText() + " \"" + b.path("imageName").asText() + "\""
                    + (b.path("os").has("name") ? " (" + b.path("os").path("name").asText() + ")" : "")
                    + ("snapshot".equals(b.path("importPath").asText()) ? " via ImportSnapshot + RegisterImage" : "")
                    + (b.path("retried").asBoolean() ? " after " + b.path("attempts").size() + " attempts" : "")
                    + distribution(b);
            case "REJECTED" -> b.path("findings").get(0).path("code").asText() + ": " + b.path("findings").get(0).path("message").asText();
            default -> b.path("error").path("category").asText() + ": " + b.path("error").path("awsMessage").asText(b.path("error").path("message").asText());
        };
    }
}
