package dev.vm2ami.infra;

import dev.vm2ami.wiring.PipelineFunction;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.services.batch.EcsFargateContainerDefinition;
import software.amazon.awscdk.services.batch.EcsJobDefinition;
import software.amazon.awscdk.services.batch.FargateComputeEnvironment;
import software.amazon.awscdk.services.batch.JobQueue;
import software.amazon.awscdk.services.batch.OrderedComputeEnvironment;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecr.assets.Platform;
import software.amazon.awscdk.services.ecs.AssetImageProps;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;
import software.constructs.IConstruct;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The batch engine of the Convert step: AWS Batch on Fargate running the same converter as the convert
 * function ({@code dev.vm2ami.convert.ConvertMain}), from a container image built from the same artifact.
 * <p>
 * The network is a VPC of public subnets only, without NAT gateways or interface endpoints: a job's task
 * gets a public IP to reach ECR, S3 and CloudWatch Logs, and its security group admits nothing in. An
 * idle stack costs nothing here (NAT gateways and interface endpoints bill by the hour; a Fargate compute
 * environment has no instances), a running job only its Fargate time and public IPv4 address.
 */
final class ConvertBatch extends Construct {
    /** Each job's Fargate size: the converter reads ahead and compresses on both vCPUs. */
    static final int JOB_VCPUS = 2;
    static final int JOB_MEMORY_GIB = 4;
    /** Room for a compressed qcow2, VDI or VMDK, decompressed before it is converted (Fargate's maximum is 200). */
    static final int JOB_STORAGE_GIB = 200;
    static final Duration JOB_TIMEOUT = Duration.hours(12);
    static final String MAIN_CLASS = "dev.vm2ami.convert.ConvertMain";
    static final String BASE_IMAGE = "public.ecr.aws/amazoncorretto/amazoncorretto:21";

    private final JobQueue queue;
    private final EcsJobDefinition jobDefinition;
    private final Role jobRole;
    private final Vpc vpc;
    private final EcsFargateContainerDefinition container;

    /**
     * @param artifact the functions artifact the convert function deploys: the container runs its classes
     * @param policies the convert function's permissions, which the job's role gets too (same converter)
     */
    ConvertBatch(Construct scope, String id, Path artifact, FunctionPolicies policies, StackConfig config) {
        super(scope, id);
        this.vpc = Vpc.Builder.create(this, "Network")
                .maxAzs(2)
                .natGateways(0)
                .subnetConfiguration(List.of(SubnetConfiguration.builder().name("Jobs").subnetType(SubnetType.PUBLIC)
                        .cidrMask(24).build()))
                // Nothing runs in the default security group (the jobs have their own), and restricting it takes a
                // custom resource (a Node.js function) the stack has no other use for.
                .restrictDefaultSecurityGroup(false)
                .build();
        SecurityGroup jobs = SecurityGroup.Builder.create(this, "JobSecurityGroup").vpc(vpc)
                .description("vm2ami conversion jobs: no inbound; outbound HTTPS to ECR, S3 and CloudWatch Logs")
                .allowAllOutbound(true)
                .build();
        FargateComputeEnvironment compute = FargateComputeEnvironment.Builder.create(this, "Compute")
                .vpc(vpc)
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build())
                .securityGroups(List.of(jobs))
                .maxvCpus(config.conversionMaxJobs() * JOB_VCPUS)
                .build();
        this.queue = JobQueue.Builder.create(this, "Queue")
                .computeEnvironments(List.of(OrderedComputeEnvironment.builder().computeEnvironment(compute).order(1).build()))
                .priority(1)
                .build();

        this.jobRole = Role.Builder.create(this, "JobRole")
                .assumedBy(new ServicePrincipal("ecs-tasks.amazonaws.com"))
                .description("vm2ami conversion job: reads uploaded images, writes converted ones")
                .build();
        for (PolicyStatement s : policies.statementsFor(PipelineFunction.CONVERT)) jobRole.addToPrincipalPolicy(s);

        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                .retention(LogRetention.of(config.logRetentionDays()).orElseThrow())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        this.container = EcsFargateContainerDefinition.Builder.create(this, "Container")
                .image(ContainerImage.fromAsset(containerContext(artifact).toString(),
                        AssetImageProps.builder().platform(Platform.LINUX_AMD64).build()))
                .cpu(JOB_VCPUS)
                .memory(Size.gibibytes(JOB_MEMORY_GIB))
                .ephemeralStorageSize(Size.gibibytes(JOB_STORAGE_GIB))
                .fargateCpuArchitecture(CpuArchitecture.X86_64)
                .fargateOperatingSystemFamily(OperatingSystemFamily.LINUX)
                .assignPublicIp(true)
                .jobRole(jobRole)
                .logging(LogDriver.awsLogs(AwsLogDriverProps.builder().logGroup(logs).streamPrefix("convert").build()))
                .build();
        this.jobDefinition = EcsJobDefinition.Builder.create(this, "Job")
                .timeout(JOB_TIMEOUT)
                .container(container)
                .build();
    }

    /**
     * The container's build context, made at synth time beside the artifact (synth needs no Docker; the
     * deployment builds the image): the artifact's content as Lambda unpacks it (classes at the root, jars
     * in lib/) and a Dockerfile whose entry point is the converter. The command comes with each job.
     */
    static Path containerContext(Path artifact) {
        Path dir = artifact.toAbsolutePath().getParent().resolve("convert-container");
        try {
            deleteRecursively(dir);
            Path app = dir.resolve("app");
            Files.createDirectories(app);
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(artifact))) {
                for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                    Path target = app.resolve(e.getName()).normalize();
                    if (!target.startsWith(app)) throw new IOException("entry " + e.getName() + " of " + artifact + " leaves its folder");
                    if (e.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Files.writeString(dir.resolve("Dockerfile"), dockerfile(), StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the conversion container's build context from " + artifact, e);
        }
    }

    static String dockerfile() {
        return "# Generated by vm2ami's CDK app (ConvertBatch) from the functions artifact: the batch conversion engine.\n"
                + "FROM " + BASE_IMAGE + "\n"
                + "COPY app/ /opt/vm2ami/\n"
                + "WORKDIR /tmp\n"
                + "USER 1000\n"
                + "ENTRYPOINT [\"java\", \"-XX:MaxRAMPercentage=75\", \"-cp\", \"/opt/vm2ami:/opt/vm2ami/lib/*\", \"" + MAIN_CLASS + "\"]\n";
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    JobQueue queue() {
        return queue;
    }

    EcsJobDefinition jobDefinition() {
        return jobDefinition;
    }

    Role jobRole() {
        return jobRole;
    }

    Vpc vpc() {
        return vpc;
    }

    /** The role ECS pulls the image and writes the job's log with (CDK grants it exactly that). */
    IConstruct executionRole() {
        return container.getExecutionRole();
    }
}
