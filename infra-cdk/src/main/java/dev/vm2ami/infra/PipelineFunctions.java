package dev.vm2ami.infra;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.wiring.FunctionEnvironment;
import dev.vm2ami.wiring.PipelineFunction;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * One Lambda function per {@link PipelineFunction}, each from its own zip (only the libraries its handler
 * uses): Java 21 on arm64 (Graviton: cheaper per GB-second; zstd-jni's native is in the zips for arm64 and
 * x86_64), active tracing, its own log group with a retention, and its own role with only its own
 * permissions. Each function publishes a version for its configuration and code and has an alias,
 * {@value #ALIAS}, on it: whatever invokes a function (the state machine, the intake queue's event source
 * mapping, the reconcile schedule) invokes the alias, so it runs the published version, which SnapStart
 * restores from a snapshot of its initialized JVM instead of starting one ({@link PipelineFunction#snapStart()}:
 * all but the convert function, whose 10 GiB /tmp SnapStart does not allow).
 */
final class PipelineFunctions extends Construct {
    /** The alias every caller invokes; it points at the version the last deployment published. */
    static final String ALIAS = PipelineFunction.ALIAS;

    private final Map<PipelineFunction, Function> functions = new EnumMap<>(PipelineFunction.class);
    private final Map<PipelineFunction, Alias> aliases = new EnumMap<>(PipelineFunction.class);
    private final Map<PipelineFunction, Role> roles = new EnumMap<>(PipelineFunction.class);

    /** @param zips the folder with each function's zip ({@link PipelineFunction#zipName()}) */
    PipelineFunctions(Construct scope, String id, String stackName, Path zips, Map<String, String> settings,
                      String stateMachineArn, FunctionPolicies policies, int logRetentionDays) {
        super(scope, id);
        for (PipelineFunction f : PipelineFunction.values()) {
            Path zip = zips.resolve(f.zipName());
            if (!Files.isRegularFile(zip)) {
                throw new IllegalStateException("The " + f.id() + " function's zip " + zip + " does not exist; build the zips first: "
                        + "./mvnw -B -pl infra-cdk -am package -DskipTests");
            }
            String name = f.functionName(stackName);
            LogGroup logs = LogGroup.Builder.create(this, f.id() + "-logs")
                    .logGroupName("/aws/lambda/" + name)
                    .retention(LogRetention.of(logRetentionDays).orElseThrow())
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .build();
            Role role = Role.Builder.create(this, f.id() + "-role")
                    .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                    .description("vm2ami " + f.id() + " function")
                    .build();
            logs.grantWrite(role);
            policies.statementsFor(f).forEach(role::addToPrincipalPolicy);
            Function function = Function.Builder.create(this, f.id())
                    .functionName(name)
                    .description(f.description())
                    .runtime(Runtime.JAVA_21)
                    .architecture(Architecture.ARM_64)
                    .handler(f.handler())
                    .code(Code.fromAsset(zip.toString()))
                    .memorySize(f.memoryMb())
                    .timeout(Duration.seconds(f.timeoutSeconds()))
                    .environment(FunctionEnvironment.of(f, settings, stateMachineArn))
                    .ephemeralStorageSize(Size.mebibytes(f.ephemeralStorageMb()))
                    .snapStart(f.snapStart() ? SnapStartConf.ON_PUBLISHED_VERSIONS : null)
                    .role(role)
                    .logGroup(logs)
                    .tracing(Tracing.ACTIVE)
                    .build();
            if (f.snapStart()) {
                // CDK cannot see that the alias below publishes a version: it warns that SnapStart needs one.
                Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                        "the function's current version is published and its alias '" + ALIAS + "' is what callers invoke");
            }
            functions.put(f, function);
            aliases.put(f, Alias.Builder.create(this, f.id() + "-alias")
                    .aliasName(ALIAS)
                    .version(function.getCurrentVersion())
                    .description("What the pipeline invokes: the version the last deployment published")
                    .build());
            roles.put(f, role);
        }
    }

    Function get(PipelineFunction f) {
        return functions.get(f);
    }

    /** The alias callers invoke (its ARN is the function's, qualified with {@value #ALIAS}). */
    Alias alias(PipelineFunction f) {
        return aliases.get(f);
    }

    Role role(PipelineFunction f) {
        return roles.get(f);
    }

    Map<PipelineFunction, Function> all() {
        return functions;
    }
}
