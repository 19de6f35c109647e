package dev.vm2ami.local.cloud;

import java.nio.file.Path;

/**
 * How to start the local cloud.
 *
 * @param port                  loopback port of the AWS endpoint; 0 picks a free one
 * @param timeScale             factor applied to AWS's import stage durations (0.003: 30 minutes in ~5 s)
 * @param importQuota           concurrently active import tasks before ResourceCountLimitExceeded
 * @param region                the one region the local cloud serves
 * @param functionsArtifact     the folder with the functions' zips (functions/target/lambda: one per function, each
 *                              function runs from its own); or one zip every function runs from (tests with test handlers)
 * @param maxWorkersPerFunction concurrent execution environments per function
 * @param python                the Python interpreter that has moto
 * @param keepWorkDirectory     keep logs and the unpacked zips after close
 * @param snapStart             emulate SnapStart: each function's first execution environment is started and primed
 *                              (its CRaC beforeCheckpoint hooks run) when the pipeline is deployed, before any
 *                              invocation; off by default (local/README.md)
 */
public record LocalCloudOptions(int port, double timeScale, int importQuota, String region, Path functionsArtifact,
                                int maxWorkersPerFunction, String python, boolean keepWorkDirectory, boolean snapStart) {

    public static final double DEFAULT_TIME_SCALE = 0.003;
    public static final int DEFAULT_IMPORT_QUOTA = 20;

    public LocalCloudOptions {
        if (timeScale <= 0) throw new IllegalArgumentException("--time-scale must be above 0, was " + timeScale);
        if (importQuota < 1) throw new IllegalArgumentException("--import-quota must be at least 1, was " + importQuota);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be 0..65535, was " + port);
    }

    public static LocalCloudOptions defaults() {
        return new LocalCloudOptions(0, DEFAULT_TIME_SCALE, DEFAULT_IMPORT_QUOTA, "us-east-1",
                FunctionsArtifact.locate(), 2, pythonFromEnvironment(), false, false);
    }

    public LocalCloudOptions withPort(int p) {
        return new LocalCloudOptions(p, timeScale, importQuota, region, functionsArtifact, maxWorkersPerFunction, python, keepWorkDirectory, snapStart);
    }

    public LocalCloudOptions withTimeScale(double f) {
        return new LocalCloudOptions(port, f, importQuota, region, functionsArtifact, maxWorkersPerFunction, python, keepWorkDirectory, snapStart);
    }

    public LocalCloudOptions withImportQuota(int q) {
        return new LocalCloudOptions(port, timeScale, q, region, functionsArtifact, maxWorkersPerFunction, python, keepWorkDirectory, snapStart);
    }

    public LocalCloudOptions withRegion(String r) {
        return new LocalCloudOptions(port, timeScale, importQuota, r, functionsArtifact, maxWorkersPerFunction, python, keepWorkDirectory, snapStart);
    }

    public LocalCloudOptions withMaxWorkersPerFunction(int n) {
        return new LocalCloudOptions(port, timeScale, importQuota, region, functionsArtifact, n, python, keepWorkDirectory, snapStart);
    }

    public LocalCloudOptions withFunctionsArtifact(Path artifact) {
        return new LocalCloudOptions(port, timeScale, importQuota, region, artifact, maxWorkersPerFunction, python, keepWorkDirectory, snapStart);
    }

    public LocalCloudOptions withKeepWorkDirectory(boolean keep) {
        return new LocalCloudOptions(port, timeScale, importQuota, region, functionsArtifact, maxWorkersPerFunction, python, keep, snapStart);
    }

    public LocalCloudOptions withSnapStart(boolean emulate) {
        return new LocalCloudOptions(port, timeScale, importQuota, region, functionsArtifact, maxWorkersPerFunction, python, keepWorkDirectory, emulate);
    }

    static String pythonFromEnvironment() {
        String python = System.getenv("VM2AMI_PYTHON");
        return python == null || python.isBlank() ? "python3" : python;
    }
}
