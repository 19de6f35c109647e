package dev.vm2ami.local.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vm2ami.local.status.ImageStatus;
import dev.vm2ami.local.status.PipelineStatus;
import dev.vm2ami.local.status.StatusTable;
import dev.vm2ami.wiring.ResourceNames;
import dev.vm2ami.wiring.StackOutputs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ./vm2ami status}: the images in flight and recently finished, from the import state machine's executions. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show the images in flight and recently finished: key, stage, progress, import attempts, "
                + "time elapsed and the expected time left (from the measured stage model, at the pace the import has "
                + "shown so far).",
                "",
                "Reads the import state machine's executions and the job document each carries (ListExecutions, "
                + "GetExecutionHistory), in a real account or at any endpoint (the local cloud of ./vm2ami up). "
                + "The state machine is the stack's StateMachineArn output (--stack), or, when there is no such "
                + "stack (the local cloud deploys none), the state machine the stack would name <stack>-import-image."},
        footerHeading = "%nExamples:%n",
        footer = {"  ./vm2ami status --profile prod --region eu-west-1 --stack vm2ami",
                "  ./vm2ami status --endpoint-url http://127.0.0.1:47001 --region us-east-1 --watch",
                "  ./vm2ami status --json | jq '.[] | select(.status == \"FAILED\")'"})
final class StatusCommand implements Callable<Integer> {

    @Mixin
    AccountOptions account = new AccountOptions();

    @Option(names = "--stack", description = "Name of the deployed vm2ami stack (default: ${DEFAULT-VALUE}).")
    String stack = "vm2ami";

    @Option(names = "--state-machine-arn", paramLabel = "ARN", description = "The import state machine, instead of finding it from --stack.")
    String stateMachineArn;

    @Option(names = "--since", paramLabel = "HOURS", description = "Show images finished within this many hours (default: ${DEFAULT-VALUE}).")
    double sinceHours = 24;

    @Option(names = "--limit", paramLabel = "N", description = "Show at most N finished images, newest first (default: ${DEFAULT-VALUE}); every image in flight is shown.")
    int limit = 50;

    @Option(names = "--json", description = "Print a JSON array of objects (key, executionName, status, stage, progress, attempts, startedAt, etaSeconds, elapsedSeconds, detail) instead of the table.")
    boolean json;

    @Option(names = "--watch", arity = "0..1", paramLabel = "SECONDS", fallbackValue = "5",
            description = "Redraw every SECONDS seconds (default when given: 5) until interrupted.")
    Integer watchSeconds;

    @Option(names = "--until-done", description = "With --watch: stop once no image is in flight.")
    boolean untilDone;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (limit < 0 || sinceHours < 0 || watchSeconds != null && watchSeconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit and --since must not be negative, --watch at least 1 second");
        }
        try (SfnClient sfn = account.configure(SfnClient.builder()).build()) {
            String arn = stateMachineArn != null ? stateMachineArn : findStateMachine(sfn);
            PipelineStatus status = new PipelineStatus(sfn, arn, Clock.systemUTC());
            Duration recent = Duration.ofSeconds(Math.round(sinceHours * 3600));
            while (true) {
                List<ImageStatus> images = status.read(recent, limit);
                if (watchSeconds != null && !json) out.print("\033[H\033[2J"); // redraw in place
                out.print(json ? json(images) : header(arn, images) + StatusTable.render(images));
                out.flush();
                boolean done = images.stream().noneMatch(ImageStatus::inFlight);
                if (watchSeconds == null || untilDone && done) return 0;
                Thread.sleep(watchSeconds * 1000L);
            }
        }
    }

    private String header(String arn, List<ImageStatus> images) {
        long inFlight = images.stream().filter(ImageStatus::inFlight).count();
        return String.format("%s: %d in flight, %d finished in the last %s h%n%n", arn, inFlight, images.size() - inFlight,
                sinceHours == Math.rint(sinceHours) ? String.valueOf((long) sinceHours) : String.valueOf(sinceHours));
    }

    private static String json(List<ImageStatus> images) {
        ArrayNode array = JSON.createArrayNode();
        for (ImageStatus i : images) {
            ObjectNode o = array.addObject();
            o.put("key", i.key());
            o.put("executionName", i.executionName());
            o.put("status", i.status());
            o.put("stage", i.stage());
            o.put("progress", i.progress());
            o.put("attempts", i.attempts());
            o.put("startedAt", i.startedAt());
            o.put("etaSeconds", i.etaSeconds());
            o.put("elapsedSeconds", i.elapsedSeconds());
            o.put("detail", i.detail());
        }
        return array.toPrettyString() + System.lineSeparator();
    }

    /** The stack's StateMachineArn output; without the stack, the state machine it would have created. */
    private String findStateMachine(SfnClient sfn) {
        String why;
        try (CloudFormationClient cfn = account.configure(CloudFormationClient.builder()).build()) {
            Optional<String> output = cfn.describeStacks(r -> r.stackName(stack)).stacks().stream()
                    .flatMap(s -> s.outputs().stream())
                    .filter(o -> StackOutputs.STATE_MACHINE_ARN.equals(o.outputKey()))
                    .map(Output::outputValue).findFirst();
            if (output.isPresent()) return output.get();
            why = "stack '" + stack + "' has no " + StackOutputs.STATE_MACHINE_ARN + " output";
        } catch (CloudFormationException e) {
            why = "no stack '" + stack + "' (" + e.awsErrorDetails().errorMessage() + ")";
        }
        String name = ResourceNames.stateMachine(stack);
        String token = null;
        do {
            String page = token;
            var response = sfn.listStateMachines(r -> r.nextToken(page));
            for (StateMachineListItem m : response.stateMachines()) {
                if (m.name().equals(name)) return m.stateMachineArn();
            }
            token = response.nextToken();
        } while (token != null);
        throw new IllegalStateException(why + ", and no state machine named " + name + " in " + account.region()
                + ": name the stack with --stack, or the state machine with --state-machine-arn");
    }
}
