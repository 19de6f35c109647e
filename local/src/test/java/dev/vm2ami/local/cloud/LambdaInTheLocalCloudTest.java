package dev.vm2ami.local.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.local.testfunctions.TestArtifact;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Lambda in the local cloud: the Invoke API and SQS event source mappings run the real handlers in the function host. */
class LambdaInTheLocalCloudTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    static LocalCloud cloud;
    static String roleArn;

    @BeforeAll
    static void start() throws Exception {
        cloud = LocalCloud.start(LocalCloudOptions.defaults().withFunctionsArtifact(TestArtifact.build(work)));
        roleArn = cloud.clients().iam().createRole(r -> r.roleName("test-function-role").assumeRolePolicyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"))
                .role().arn();
    }

    @AfterAll
    static void stop() {
        cloud.close();
    }

    static String createFunction(String handlerClass, Map<String, String> environment) throws Exception {
        String name = "fn-" + UUID.randomUUID().toString().substring(0, 8);
        var bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("README")); // the host runs the configured artifact
            zip.write("code lives in the function host's artifact".getBytes());
            zip.closeEntry();
        }
        cloud.clients().lambda().createFunction(f -> f.functionName(name).runtime(Runtime.JAVA21).role(roleArn)
                .handler("dev.vm2ami.local.testfunctions." + handlerClass + "::handleRequest")
                .timeout(30).memorySize(256)
                .environment(e -> e.variables(environment))
                .code(c -> c.zipFile(SdkBytes.fromByteArray(bytes.toByteArray()))));
        return name;
    }

    @Test
    void theInvokeApiRunsTheHandlerWithTheFunctionsConfiguredEnvironment() throws Exception {
        String name = createFunction("EchoHandler", Map.of("GREETING", "configured"));
        LambdaClient lambda = cloud.clients().lambda();

        var response = lambda.invoke(i -> i.functionName(name).payload(SdkBytes.fromUtf8String("{\"x\": 42}")));

        assertThat(response.functionError()).isNull();
        JsonNode payload = JSON.readTree(response.payload().asByteArray());
        assertThat(payload.path("x").asInt()).isEqualTo(42);
        assertThat(payload.path("greeting").asText()).isEqualTo("configured");
        assertThat(payload.path("functionName").asText()).isEqualTo(name);
    }

    @Test
    void aFailingHandlersMessageIsRetriedAfterItsVisibilityTimeoutAndLandsInTheDlq() throws Exception {
        SqsClient sqs = cloud.clients().sqs();
        String dlqUrl = sqs.createQueue(q -> q.queueName("dlq-" + UUID.randomUUID())).queueUrl();
        String dlqArn = sqs.getQueueAttributes(a -> a.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String queueUrl = sqs.createQueue(q -> q.queueName("intake-" + UUID.randomUUID()).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, "1",
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"2\"}"))).queueUrl();
        String queueArn = sqs.getQueueAttributes(a -> a.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String name = createFunction("FailingHandler", Map.of());
        cloud.clients().lambda().createEventSourceMapping(m -> m.functionName(name).eventSourceArn(queueArn).batchSize(1)
                .functionResponseTypes(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES));

        sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody("poison"));

        List<Message> dead = awaitMessages(sqs, dlqUrl, 1, Duration.ofSeconds(60));
        assertThat(dead).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo("poison"));
        assertThat(sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1)).messages()).isEmpty();
        String log = java.nio.file.Files.readString(cloud.functionLogs().resolve(name + ".log"));
        assertThat(log.split("cannot process this batch", -1).length - 1).as("invocations").isGreaterThanOrEqualTo(2);
    }

    @Test
    void partialBatchResponsesDeleteTheProcessedMessagesAndReturnOnlyTheFailedOnes() throws Exception {
        SqsClient sqs = cloud.clients().sqs();
        String dlqUrl = sqs.createQueue(q -> q.queueName("dlq-" + UUID.randomUUID())).queueUrl();
        String dlqArn = sqs.getQueueAttributes(a -> a.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String queueUrl = sqs.createQueue(q -> q.queueName("intake-" + UUID.randomUUID()).attributes(Map.of(
                // Longer than a worker JVM's cold start on a busy 2-core machine: a shorter timeout lets SQS hand
                // the batch out again while the first invocation is still starting (at-least-once, as on AWS).
                QueueAttributeName.VISIBILITY_TIMEOUT, "5",
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"3\"}"))).queueUrl();
        String queueArn = sqs.getQueueAttributes(a -> a.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String name = createFunction("PartialBatchHandler", Map.of());
        sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody("ok-1"));
        sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody("fail"));
        sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody("ok-2"));

        cloud.clients().lambda().createEventSourceMapping(m -> m.functionName(name).eventSourceArn(queueArn).batchSize(10)
                .functionResponseTypes(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES));

        List<Message> dead = awaitMessages(sqs, dlqUrl, 1, Duration.ofSeconds(60));
        assertThat(dead).extracting(Message::body).containsExactly("fail");
        String log = java.nio.file.Files.readString(cloud.functionLogs().resolve(name + ".log"));
        assertThat(log.split("record ok-1", -1).length - 1).as("ok-1 deliveries").isEqualTo(1);
        assertThat(log.split("record fail", -1).length - 1).as("fail deliveries").isEqualTo(3);
    }

    static List<Message> awaitMessages(SqsClient sqs, String queueUrl, int count, Duration limit) throws InterruptedException {
        long until = System.nanoTime() + limit.toNanos();
        List<Message> got = new java.util.ArrayList<>();
        while (System.nanoTime() < until && got.size() < count) {
            got.addAll(sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)).messages());
        }
        return got;
    }

    @Test
    void anAliasRunsItsVersionAndOnlyAPolicyOnTheAliasLetsARoleInvokeIt() throws Exception {
        String name = createFunction("EchoHandler", Map.of("GREETING", "published"));
        LambdaClient lambda = cloud.clients().lambda();
        String version = lambda.publishVersion(v -> v.functionName(name)).version();
        String aliasArn = lambda.createAlias(a -> a.functionName(name).name("live").functionVersion(version)).aliasArn();
        String functionArn = aliasArn.substring(0, aliasArn.lastIndexOf(':'));

        var direct = lambda.invoke(i -> i.functionName(aliasArn).payload(SdkBytes.fromUtf8String("{}")));
        assertThat(direct.functionError()).isNull();
        assertThat(JSON.readTree(direct.payload().asByteArray()).path("greeting").asText()).isEqualTo("published");

        // A caller whose policy names the unqualified function may not invoke the alias, as on AWS; the alias's ARN may.
        String caller = "alias-caller-" + UUID.randomUUID().toString().substring(0, 8);
        String callerArn = cloud.clients().iam().createRole(r -> r.roleName(caller).assumeRolePolicyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"))
                .role().arn();
        cloud.clients().iam().putRolePolicy(p -> p.roleName(caller).policyName("invoke").policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"" + functionArn + "\"}]}"));
        try (LambdaClient asCaller = LambdaClient.builder().endpointOverride(cloud.endpoint())
                .region(software.amazon.awssdk.regions.Region.of(cloud.region()))
                .credentialsProvider(dev.vm2ami.local.testing.AssumedRoles.assume(cloud, callerArn, "unqualified")).build()) {
            assertThat(asCaller.invoke(i -> i.functionName(name).payload(SdkBytes.fromUtf8String("{}"))).functionError()).isNull();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> asCaller.invoke(i -> i.functionName(aliasArn)
                    .payload(SdkBytes.fromUtf8String("{}")))).hasMessageContaining("lambda:InvokeFunction");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> asCaller.invoke(i -> i.functionName(name).qualifier("live")
                    .payload(SdkBytes.fromUtf8String("{}")))).hasMessageContaining("lambda:InvokeFunction");
        }
        cloud.clients().iam().putRolePolicy(p -> p.roleName(caller).policyName("invoke").policyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"" + aliasArn + "\"}]}"));
        try (LambdaClient asCaller = LambdaClient.builder().endpointOverride(cloud.endpoint())
                .region(software.amazon.awssdk.regions.Region.of(cloud.region()))
                .credentialsProvider(dev.vm2ami.local.testing.AssumedRoles.assume(cloud, callerArn, "alias")).build()) {
            var viaAlias = asCaller.invoke(i -> i.functionName(aliasArn).payload(SdkBytes.fromUtf8String("{}")));
            assertThat(viaAlias.functionError()).isNull();
            assertThat(JSON.readTree(viaAlias.payload().asByteArray()).path("functionName").asText()).isEqualTo(name);
        }
    }
}
