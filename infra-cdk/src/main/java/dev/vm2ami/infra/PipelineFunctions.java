package dev.vm2ami.infra;

import dev.vm2ami.config.PipelineSettings;
import dev.vm2ami.wiring.FunctionEnvironment;
import dev.vm2ami.wiring.PipelineFunction;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Size;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * One Lambda function per {@link PipelineFunction}, all from the one deployment artifact: Java 21 on
 * arm64 (Graviton: cheaper per GB-second, and the artifact has no native code), active tracing, its own
 * log group with a retention, and its own role with only its own permissions.
 */
final class PipelineFunctions extends Construct {
    private final Map<PipelineFunction, Function> functions = new EnumMap<>(PipelineFunction.class);
    private final Map<PipelineFunction, Role> roles = new EnumMap<>(PipelineFunction.class);

    PipelineFunctions(Construct scope, String id, String stackName, Path artifact, Map<String, String> settings,
                      String stateMachineArn, FunctionPolicies policies, int logRetentionDays) {
        super(scope, id);
        if (!Files.isRegularFile(artifact)) {
            throw new IllegalStateException("The functions artifact " + artifact + " does not exist; build it first: "
                    + "./mvnw -B -pl infra-cdk -am package -DskipTests");
        }
        Code code = Code.fromAsset(artifact.toString());
        for (PipelineFunction f : PipelineFunction.values()) {
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
                    .code(code)
                    .memorySize(f.memoryMb())
                    .timeout(Duration.seconds(f.timeoutSeconds()))
                    .environment(FunctionEnvironment.of(f, settings, stateMachineArn))
                    .ephemeralStorageSize(Size.mebibytes(f == PipelineFunction.CONVERT ? PipelineFunction.CONVERT_EPHEMERAL_STORAGE_MB : 512))
                    .role(role)
                    .logGroup(logs)
                    .tracing(Tracing.ACTIVE)
                    .build();
            functions.put(f, function);
            roles.put(f, role);
        }
    }

    Function get(PipelineFunction f) {
        return functions.get(f);
    }

    Role role(PipelineFunction f) {
        return roles.get(f);
    }

    Map<PipelineFunction, Function> all() {
        return functions;
    }
}
