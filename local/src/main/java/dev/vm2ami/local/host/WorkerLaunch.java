package dev.vm2ami.local.host;

import java.nio.file.Path;
import java.util.Map;

/**
 * How the host starts worker JVMs: which java, the runtime classpath (the runtime interface client
 * and WorkerMain: what Lambda provides) and the client's JNI library, the local cloud's endpoint and
 * credentials, where function logs go, and whether workers start the way a SnapStart version's environment
 * is made (see {@link FunctionHost#prepare}). Each worker's task root is its function's unpacked zip.
 */
record WorkerLaunch(Path javaExecutable, String runtimeClasspath, Path nativeClientLibrary,
                    Map<String, String> cloudEnvironment, Path logDirectory, boolean snapStart) {

    Path logFile(String functionName) {
        return logDirectory.resolve(functionName + ".log");
    }
}
