package dev.vm2ami.local.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./vm2ami}: the project's command line. */
@Command(name = "vm2ami", mixinStandardHelpOptions = true, version = "vm2ami 0.1.0",
        description = {"Drop a VM disk image into S3, get a named, tagged AMI and a notification; or, within seconds, "
                + "a clear reason why the image would fail and how to fix it.",
                "",
                "Without an AWS account, everything runs on the embedded local cloud (moto + vm2ami's ImportImage "
                + "simulator). Deploying to AWS: see the README (npx aws-cdk@2 deploy in infra-cdk/)."},
        subcommands = {DemoCommand.class, UpCommand.class, CheckCommand.class, ConvertCommand.class, StatusCommand.class,
                RedriveCommand.class, SampleImageCommand.class, CommandLine.HelpCommand.class})
public final class Vm2amiCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new Vm2amiCli()).setUsageHelpAutoWidth(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    // A clear sentence for the user; the stack trace only when asked for (VM2AMI_DEBUG=1).
                    cmd.getErr().println("vm2ami " + cmd.getCommandName() + ": " + describe(e));
                    if (System.getenv("VM2AMI_DEBUG") != null) e.printStackTrace(cmd.getErr());
                    return 1;
                });
    }

    private static String describe(Throwable e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
                message.append(" (").append(cause.getMessage()).append(')');
            }
        }
        return message.toString();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
