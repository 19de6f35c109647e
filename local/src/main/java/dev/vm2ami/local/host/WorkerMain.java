package dev.vm2ami.local.host;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.InputStream;

/**
 * Entry point of a Lambda worker JVM: AWS's runtime interface client, plus a watchdog that ends the
 * worker when its function host goes away (stdin closes), so no worker outlives the local cloud.
 */
public final class WorkerMain {
    private WorkerMain() {}

    public static void main(String[] args) throws Throwable {
        Thread watchdog = new Thread(WorkerMain::haltWhenParentGoes, "parent-watch");
        watchdog.setDaemon(true);
        watchdog.start();
        // On Lambda the runtime logs to a telemetry pipe that is never buffered; here it is stdout,
        // so make stdout unbuffered too, or a warm worker's log lines would sit in a buffer.
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        com.amazonaws.services.lambda.runtime.api.client.AWSLambda.main(args);
    }

    private static void haltWhenParentGoes() {
        InputStream in = System.in;
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // the host never writes; a read returns only at end of stream
            }
        } catch (IOException ignored) {
            // a broken pipe means the same as end of stream
        }
        Runtime.getRuntime().halt(0);
    }
}
