package dev.vm2ami.infra;

import dev.vm2ami.wiring.PipelineFunction;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The batch engine of the Convert step: Fargate, no idle cost, the converter's container, least privilege. */
class ConvertBatchTest {
    private final Synthesized defaults = Synthesized.defaults();
    private final TemplateJson json = new TemplateJson(defaults.json());

    @Test
    void runsJobsOnAManagedFargateComputeEnvironmentSizedByConversionMaxJobs() {
        defaults.template().hasResourceProperties("AWS::Batch::ComputeEnvironment", Map.of(
                "Type", "managed",
                "ComputeResources", Match.objectLike(Map.of("Type", "FARGATE",
                        "MaxvCpus", 4 * ConvertBatch.JOB_VCPUS))));
        defaults.template().resourceCountIs("AWS::Batch::JobQueue", 1);
        Map<String, Object> tenJobs = new TemplateJson(Synthesized.of("max-jobs", Map.of("conversionMaxJobs", "10")).json())
                .ofType("AWS::Batch::ComputeEnvironment").values().iterator().next();
        assertThat(((Map<?, ?>) tenJobs.get("ComputeResources")).get("MaxvCpus")).isEqualTo(10 * ConvertBatch.JOB_VCPUS);
    }

    @Test
    void hasNoNatGatewayNoInterfaceEndpointAndNoInboundRule() {
        defaults.template().resourceCountIs("AWS::EC2::NatGateway", 0);
        defaults.template().resourceCountIs("AWS::EC2::VPCEndpoint", 0);
        json.ofType("AWS::EC2::SecurityGroup").values().forEach(sg -> assertThat(sg).doesNotContainKey("SecurityGroupIngress"));
        defaults.template().resourceCountIs("AWS::EC2::SecurityGroupIngress", 0);
    }

    @Test
    void theJobDefinitionRunsTheConverterOnFargateWithAPublicIpAndLogs() {
        defaults.template().hasResourceProperties("AWS::Batch::JobDefinition", Map.of(
                "Type", "container",
                "PlatformCapabilities", List.of("FARGATE"),
                "ContainerProperties", Match.objectLike(Map.of(
                        "NetworkConfiguration", Map.of("AssignPublicIp", "ENABLED"),
                        "EphemeralStorage", Map.of("SizeInGiB", ConvertBatch.JOB_STORAGE_GIB),
                        "LogConfiguration", Match.objectLike(Map.of("LogDriver", "awslogs"))))));
        String dockerfile = ConvertBatch.dockerfile();
        assertThat(dockerfile).contains("FROM " + ConvertBatch.BASE_IMAGE).contains("\"dev.vm2ami.convert.ConvertMain\"");
    }

    @Test
    void theContainerIsBuiltFromTheConvertFunctionsZip() throws Exception {
        Path context = Synthesized.MODULE.resolve("../functions/target/lambda/convert-container").normalize();
        assertThat(context.resolve("Dockerfile")).hasContent(ConvertBatch.dockerfile().strip());
        assertThat(context.resolve("app/dev/vm2ami/convert/ConvertMain.class")).isRegularFile();
        try (var jars = Files.list(context.resolve("app/lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()).toList()).anyMatch(n -> n.startsWith("s3-"))
                    .as("the convert function's libraries only").noneMatch(n -> n.startsWith("ec2-"));
        }
    }

    @Test
    void theJobRoleHasExactlyTheConvertFunctionsS3Permissions() {
        String role = TemplateJson.render(((Map<?, ?>) json.ofType("AWS::Batch::JobDefinition").values().iterator().next()
                .get("ContainerProperties")).get("JobRoleArn")).replace(".Arn", "");
        Map<String, Set<String>> job = IamPolicyTest.permissions(json.statementsOfRole(role));
        Map<String, Set<String>> function = IamPolicyTest.permissions(json.statementsOfFunction(PipelineFunction.CONVERT));
        function.keySet().removeIf(a -> a.startsWith("xray:") || a.startsWith("logs:"));
        assertThat(job).isEqualTo(function);
        assertThat(job.keySet()).containsExactlyInAnyOrder("s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket",
                "s3:PutObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload");
    }

    @Test
    void theStateMachineSubmitsToItsQueueAndDefinitionOnlyAndManagesTheSyncRule() {
        String role = TemplateJson.render(json.ofType("AWS::StepFunctions::StateMachine").values().iterator().next()
                .get("RoleArn")).replace(".Arn", "");
        Map<String, Set<String>> granted = IamPolicyTest.permissions(json.statementsOfRole(role));
        String queue = json.ofType("AWS::Batch::JobQueue").keySet().iterator().next();
        String definition = json.ofType("AWS::Batch::JobDefinition").keySet().iterator().next();
        assertThat(granted.get("batch:SubmitJob")).containsExactlyInAnyOrder(queue + ".JobQueueArn", definition);
        assertThat(granted.get("batch:DescribeJobs")).containsExactly("*");
        assertThat(granted.get("batch:TerminateJob"))
                .containsExactly("arn:${AWS::Partition}:batch:${AWS::Region}:${AWS::AccountId}:job/*");
        Set<String> rule = new TreeSet<>(Set.of(
                "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForBatchJobsRule"));
        assertThat(granted).containsEntry("events:PutTargets", rule).containsEntry("events:PutRule", rule)
                .containsEntry("events:DescribeRule", rule);
    }

    @Test
    void theDefinitionNamesTheQueueAndJobDefinitionThroughItsSubstitutions() {
        defaults.template().hasResourceProperties("AWS::StepFunctions::StateMachine", Map.of(
                "DefinitionSubstitutions", Match.objectLike(Map.of(
                        "ConvertJobQueueArn", Match.anyValue(), "ConvertJobDefinitionArn", Match.anyValue()))));
    }
}
