package dev.vm2ami.wiring;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The pipeline's Lambda functions, as the CDK stack and the local cloud both deploy them: one
 * function per handler, each with the environment keys it reads and its own deployment zip
 * ({@link #zipName()}), which carries the project's classes and only the {@link Library libraries}
 * its handler uses — the start, inspect and notify functions have no EC2 SDK (24 MB).
 */
public enum PipelineFunction {
    START("start", "dev.vm2ami.intake.StartImportHandler::handleRequest",
            "S3 event notifications from the intake queue -> one Step Functions execution per object version",
            60, 512, EnumSet.of(Library.SFN),
            List.of(EnvKeys.STATE_MACHINE_ARN, EnvKeys.IMAGE_PREFIX, EnvKeys.TIME_SCALE,
                    EnvKeys.POLL_SECONDS, EnvKeys.MIN_POLL_SECONDS, EnvKeys.DEADLINE_SECONDS,
                    EnvKeys.MAX_ATTEMPTS, EnvKeys.STALL_SECONDS, EnvKeys.QUOTA_BACKOFF_SECONDS,
                    EnvKeys.QUOTA_BACKOFF_MAX_SECONDS, EnvKeys.RETRY_BACKOFF_SECONDS, EnvKeys.CONVERTED_PREFIX)),
    INSPECT("inspect", "dev.vm2ami.inspect.InspectImageHandler::handleRequest",
            "Pre-flight: reads a few blocks of the image by ranged GETs and gives a verdict",
            60, 512, EnumSet.of(Library.S3, Library.XZ, Library.ZSTD),
            List.of(EnvKeys.DEFAULT_BOOT_MODE, EnvKeys.DEFAULT_IMPORT_MODE, EnvKeys.DEFAULT_LICENSE_TYPE, EnvKeys.DEFAULT_TEAM,
                    EnvKeys.EXTRA_TAGS, EnvKeys.SHARE_WITH, EnvKeys.COPY_TO_REGIONS, EnvKeys.REGION_KMS_KEYS,
                    EnvKeys.SSM_PARAMETER, EnvKeys.DEPRECATE_AFTER_DAYS, EnvKeys.IMDS_SUPPORT, EnvKeys.SOURCE_DISPOSITION,
                    EnvKeys.CONVERTED_PREFIX, EnvKeys.CONVERSION_LAMBDA_MAX_BYTES)),
    SUBMIT("submit", "dev.vm2ami.importtask.SubmitImportHandler::handleRequest",
            "Starts EC2 ImportImage (or ImportSnapshot) for the image; answers 'wait' when the import quota is exhausted",
            60, 512, EnumSet.of(Library.EC2, Library.S3),
            List.of(EnvKeys.VMIMPORT_ROLE_NAME, EnvKeys.KMS_KEY_ID, EnvKeys.MAX_CONCURRENT_IMPORTS,
                    EnvKeys.STATE_MACHINE_ARN)),
    CHECK("check", "dev.vm2ami.importtask.CheckImportHandler::handleRequest",
            "Describes the import task (image or snapshot): stage timeline, stall and deadline detection, failure category",
            60, 512, EnumSet.of(Library.EC2, Library.EVENTBRIDGE),
            List.of()),
    REGISTER("register", "dev.vm2ami.ami.RegisterImageHandler::handleRequest",
            "The snapshot path: registers the AMI from the imported snapshot (RegisterImage: architecture, boot mode, ENA)",
            60, 512, EnumSet.of(Library.EC2),
            List.of(EnvKeys.AMI_NAME_TEMPLATE, EnvKeys.PIPELINE_VERSION)),
    FINISH("finish", "dev.vm2ami.ami.FinishImageHandler::handleRequest",
            "Names the AMI (CopyImage), tags it and its snapshots, retires the import-ami intermediate",
            120, 512, EnumSet.of(Library.EC2),
            List.of(EnvKeys.AMI_NAME_TEMPLATE, EnvKeys.PIPELINE_VERSION)),
    DISTRIBUTE("distribute", "dev.vm2ami.distribute.DistributeHandler::handleRequest",
            "Shares the AMI, deprecates it, requires IMDSv2, publishes its SSM parameter; keeps, tags or deletes the source",
            120, 512, EnumSet.of(Library.EC2, Library.SSM, Library.S3),
            List.of()),
    COPY("copy", "dev.vm2ami.distribute.CopyRegionHandler::handleRequest",
            "Copies the AMI into one region (CopyImage) and gives the copy the AMI's tags, permissions and SSM parameter",
            120, 512, EnumSet.of(Library.EC2, Library.SSM),
            List.of()),
    CONVERT("convert", "dev.vm2ami.convert.ConvertImageHandler::handleRequest",
            "Converts a qcow2, VDI, sparse VMDK or compressed image into a stream-optimized VMDK (small images; large ones run on AWS Batch)",
            900, 3008, EnumSet.of(Library.S3, Library.XZ, Library.ZSTD),
            List.of()),
    NOTIFY("notify", "dev.vm2ami.notify.ComposeNotificationHandler::handleRequest",
            "Composes the one terminal notification of an image (subject, JSON body, message attributes)",
            30, 512, EnumSet.noneOf(Library.class),
            List.of()),
    RECONCILE("reconcile", "dev.vm2ami.reconcile.ReconcileHandler::handleRequest",
            "Finds import tasks that no running execution watches and adopts or cancels them",
            300, 512, EnumSet.of(Library.EC2, Library.SFN),
            List.of(EnvKeys.STATE_MACHINE_ARN, EnvKeys.RECONCILE_ACTION));

    /**
     * The convert function's /tmp: a compressed qcow2, VDI or VMDK is decompressed there first (Lambda's most).
     * Its memory, 3008 MB, gives it about 1.7 vCPUs.
     */
    public static final int CONVERT_EPHEMERAL_STORAGE_MB = 10240;

    private final String id;
    private final String handler;
    private final String description;
    private final int timeoutSeconds;
    /**
     * The alias every caller invokes a function through (the state machine, the event source mapping, the
     * schedule): it points at the version the last deployment published, which SnapStart restores.
     */
    public static final String ALIAS = "live";

    /** The folder, under the functions module, where the build writes each function's zip. */
    public static final String ZIP_DIRECTORY = "target/lambda";

    /**
     * The optional libraries a function's zip carries or leaves out, as Maven coordinates. Every zip has the
     * rest: the project's classes, the SDK's core and URLConnection client, Powertools, Jackson, the Lambda
     * events. functions/src/assembly/&lt;id&gt;.xml excludes the ones a function does not list here, and
     * FunctionZipsTest checks each built zip against this list and against the classes its handler reaches.
     */
    public enum Library {
        EC2("software.amazon.awssdk:ec2"),
        S3("software.amazon.awssdk:s3"),
        SFN("software.amazon.awssdk:sfn"),
        SSM("software.amazon.awssdk:ssm"),
        EVENTBRIDGE("software.amazon.awssdk:eventbridge"),
        /** xz decompression (the converter and the inspector's look into compressed images). */
        XZ("org.tukaani:xz"),
        /** zstd-jni: unpacked at the zip's root with its linux x86_64 and arm64 natives only. */
        ZSTD("com.github.luben:zstd-jni");

        private final String coordinates;

        Library(String coordinates) { this.coordinates = coordinates; }

        /** groupId:artifactId */
        public String coordinates() { return coordinates; }

        public String artifactId() { return coordinates.substring(coordinates.indexOf(':') + 1); }
    }

    private final int memoryMb;
    private final Set<Library> libraries;
    private final List<String> environmentKeys;

    PipelineFunction(String id, String handler, String description, int timeoutSeconds, int memoryMb,
                     EnumSet<Library> libraries, List<String> environmentKeys) {
        this.id = id;
        this.handler = handler;
        this.description = description;
        this.timeoutSeconds = timeoutSeconds;
        this.memoryMb = memoryMb;
        this.libraries = java.util.Collections.unmodifiableSet(EnumSet.copyOf(libraries));
        this.environmentKeys = List.copyOf(environmentKeys);
    }

    /** Short, stable id: the CDK construct id and the suffix of the deployed function name. */
    public String id() { return id; }

    /** The function name deployed under a name prefix (the stack name on AWS, "vm2ami" locally). */
    public String functionName(String prefix) { return prefix + "-" + id; }

    public String handler() { return handler; }

    public String handlerClassName() { return handler.substring(0, handler.indexOf("::")); }

    public String description() { return description; }

    public int timeoutSeconds() { return timeoutSeconds; }

    public int memoryMb() { return memoryMb; }

    /** The function's /tmp in MB: 512 (Lambda's default and what SnapStart allows) but for the convert function. */
    public int ephemeralStorageMb() { return this == CONVERT ? CONVERT_EPHEMERAL_STORAGE_MB : 512; }

    /**
     * Whether the function runs with SnapStart (invoked through a published version, restored from a snapshot
     * of its initialized JVM). Lambda allows SnapStart only with at most 512 MB of /tmp: the convert function,
     * with 10 GiB, starts cold.
     */
    public boolean snapStart() { return ephemeralStorageMb() <= 512; }

    /** The function's deployment zip, in {@link #ZIP_DIRECTORY}: vm2ami-&lt;id&gt;.zip. */
    public String zipName() { return "vm2ami-" + id + ".zip"; }

    /** The optional libraries the function's zip carries (see {@link Library}). */
    public Set<Library> libraries() { return libraries; }

    /** The environment keys this function reads (besides the ones Lambda sets itself). */
    public List<String> environmentKeys() { return environmentKeys; }

    /**
     * The ASL placeholder that stands for this function's ARN, e.g. {@code InspectFunctionArn},
     * or empty for functions the state machine does not call.
     */
    public Optional<String> aslPlaceholder() {
        return switch (this) {
            case START, RECONCILE -> Optional.empty();
            default -> Optional.of(Character.toUpperCase(id.charAt(0)) + id.substring(1) + "FunctionArn");
        };
    }

    /** The function whose handler this is ({@code class::method}), if any. */
    public static Optional<PipelineFunction> byHandler(String handler) {
        return Stream.of(values()).filter(f -> f.handler.equals(handler)).findFirst();
    }

    public static Stream<PipelineFunction> calledByStateMachine() {
        return Stream.of(values()).filter(f -> f.aslPlaceholder().isPresent());
    }
}
