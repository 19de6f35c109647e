package dev.vm2ami.local.cli;

import dev.vm2ami.local.redrive.IntakeRedrive;
import dev.vm2ami.wiring.StackOutputs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code ./vm2ami redrive}: the intake dead-letter queue's S3 events back into the intake queue. */
@Command(name = "redrive", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Move the S3 events the start function failed on (5 receives) from the intake dead-letter queue "
                + "back to the intake queue, once what made them fail is fixed (the IntakeDeadLetters alarm says when there "
                + "are any). Each message is deleted only after its copy was sent; an image already started is not "
                + "started twice (one execution per object version).",
                "",
                "The queues are the stack's outputs (--stack), or given with --queue-url and --dead-letter-queue-url "
                + "(the local cloud of ./vm2ami up prints both)."},
        footerHeading = "%nExamples:%n",
        footer = {"  ./vm2ami redrive --profile prod --region eu-west-1 --stack vm2ami --dry-run",
                "  ./vm2ami redrive --endpoint-url http://127.0.0.1:47001 --region us-east-1 \\",
                "      --queue-url http://127.0.0.1:47001/123456789012/vm2ami-intake-queue \\",
                "      --dead-letter-queue-url http://127.0.0.1:47001/123456789012/vm2ami-intake-deadletters"})
final class RedriveCommand implements Callable<Integer> {

    @Mixin
    AccountOptions account = new AccountOptions();

    @Option(names = "--stack", description = "Name of the deployed vm2ami stack, whose outputs name the queues (default: ${DEFAULT-VALUE}).")
    String stack = "vm2ami";

    @Option(names = "--queue-url", paramLabel = "URL", description = "The intake queue, instead of the stack's IntakeQueueUrl output.")
    String queueUrl;

    @Option(names = "--dead-letter-queue-url", paramLabel = "URL", description = "The intake dead-letter queue, instead of the stack's IntakeDeadLetterQueueUrl output.")
    String deadLetterQueueUrl;

    @Option(names = "--max", paramLabel = "N", description = "Move at most N messages (default: all).")
    int max = Integer.MAX_VALUE;

    @Option(names = "--dry-run", description = "Only list the messages; they stay in the dead-letter queue.")
    boolean dryRun;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (max < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--max must be at least 1");
        if (queueUrl == null || deadLetterQueueUrl == null) {
            Map<String, String> outputs = stackOutputs();
            if (queueUrl == null) queueUrl = required(outputs, StackOutputs.INTAKE_QUEUE_URL);
            if (deadLetterQueueUrl == null) deadLetterQueueUrl = required(outputs, StackOutputs.INTAKE_DEAD_LETTER_QUEUE_URL);
        }
        try (SqsClient sqs = account.configure(SqsClient.builder()).build()) {
            List<IntakeRedrive.Moved> moved = new IntakeRedrive(sqs, deadLetterQueueUrl, queueUrl).run(max, dryRun);
            for (IntakeRedrive.Moved m : moved) {
                out.println((dryRun ? "would move " : "moved ") + m.messageId() + (m.keys().isEmpty() ? " (not an S3 event)"
                        : ": " + String.join(", ", m.keys())));
            }
            out.printf("%s %d message%s from %s to %s%n", dryRun ? "would move" : "moved", moved.size(),
                    moved.size() == 1 ? "" : "s", deadLetterQueueUrl, queueUrl);
        }
        return 0;
    }

    private Map<String, String> stackOutputs() {
        try (CloudFormationClient cfn = account.configure(CloudFormationClient.builder()).build()) {
            return cfn.describeStacks(r -> r.stackName(stack)).stacks().stream().flatMap(s -> s.outputs().stream())
                    .collect(Collectors.toMap(Output::outputKey, Output::outputValue, (a, b) -> a));
        }
    }

    private String required(Map<String, String> outputs, String key) {
        String value = outputs.get(key);
        if (value == null) {
            throw new IllegalStateException("stack '" + stack + "' has no " + key + " output: give the queues with "
                    + "--queue-url and --dead-letter-queue-url");
        }
        return value;
    }
}
