package dev.vm2ami.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vm2ami.local.cloud.AwsClients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The batch conversion engine's resources, created through the AWS Batch and EC2 APIs as CloudFormation
 * would: the VPC, its subnets and the jobs' security group (the compute environment names them), the
 * Fargate compute environment, the job queue and the job definition. The local cloud runs a submitted
 * job as a local process of the job definition's entry point (local/cloud batch_jobs.py).
 * <p>
 * The AWS SDK's Batch module is not on the package mirror at the SDK version used, so Batch is called
 * through its REST-JSON API, with CloudFormation's property names turned into the API's.
 */
final class BatchResources {
    /** Where the role AWS Batch uses when a compute environment names none is (what CloudFormation relies on). */
    static final String SERVICE_LINKED_ROLE_PATH = "/aws-service-role/batch.amazonaws.com/";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final AwsClients aws;
    private final URI endpoint;
    private final String region;

    BatchResources(AwsClients aws, URI endpoint, String region) {
        this.aws = aws;
        this.endpoint = endpoint;
        this.region = region;
    }

    /** @return the VPC id */
    String vpc(JsonNode props, Intrinsics in) {
        return aws.ec2().createVpc(v -> v.cidrBlock(in.text(props.path("CidrBlock")))).vpc().vpcId();
    }

    /** @return the subnet id (its availability zone is left to EC2: the local region has no fixed list) */
    String subnet(JsonNode props, Intrinsics in) {
        return aws.ec2().createSubnet(s -> s.vpcId(in.text(props.path("VpcId"))).cidrBlock(in.text(props.path("CidrBlock"))))
                .subnet().subnetId();
    }

    /** @return the group id; its rules are not created (nothing reaches a local process through them) */
    String securityGroup(String name, JsonNode props, Intrinsics in) {
        return aws.ec2().createSecurityGroup(g -> g.groupName(name).description(in.text(props.path("GroupDescription")))
                .vpcId(in.text(props.path("VpcId")))).groupId();
    }

    /** @return the compute environment's ARN */
    String computeEnvironment(String name, JsonNode props, Intrinsics in) {
        ObjectNode body = NODES.objectNode();
        body.put("computeEnvironmentName", props.has("ComputeEnvironmentName") ? in.text(props.path("ComputeEnvironmentName")) : name);
        body.put("type", props.path("Type").asText().toUpperCase(Locale.ROOT));
        body.put("state", props.path("State").asText("ENABLED"));
        body.set("computeResources", camel(in.resolve(props.path("ComputeResources"))));
        body.put("serviceRole", props.has("ServiceRole") ? in.text(props.path("ServiceRole")) : serviceLinkedRole());
        return call("/v1/createcomputeenvironment", body).path("computeEnvironmentArn").asText();
    }

    /** @return the job queue's ARN */
    String jobQueue(String name, JsonNode props, Intrinsics in) {
        ObjectNode body = NODES.objectNode();
        body.put("jobQueueName", props.has("JobQueueName") ? in.text(props.path("JobQueueName")) : name);
        body.put("state", props.path("State").asText("ENABLED"));
        body.put("priority", props.path("Priority").asInt(1));
        body.set("computeEnvironmentOrder", camel(in.resolve(props.path("ComputeEnvironmentOrder"))));
        return call("/v1/createjobqueue", body).path("jobQueueArn").asText();
    }

    /** @return the job definition's ARN (with its revision, as Ref answers) */
    String jobDefinition(String name, JsonNode props, Intrinsics in) {
        ObjectNode body = NODES.objectNode();
        body.put("jobDefinitionName", props.has("JobDefinitionName") ? in.text(props.path("JobDefinitionName")) : name);
        body.put("type", props.path("Type").asText("container"));
        body.set("platformCapabilities", in.resolve(props.path("PlatformCapabilities")));
        body.set("containerProperties", camel(in.resolve(props.path("ContainerProperties"))));
        if (props.has("Timeout")) body.set("timeout", camel(in.resolve(props.path("Timeout"))));
        if (props.has("RetryStrategy")) body.set("retryStrategy", camel(in.resolve(props.path("RetryStrategy"))));
        if (props.has("PropagateTags")) body.put("propagateTags", props.path("PropagateTags").asBoolean());
        return call("/v1/registerjobdefinition", body).path("jobDefinitionArn").asText();
    }

    /** Batch's service-linked role, made on first use as Batch makes it in an account (one per account: stacks share it). */
    private String serviceLinkedRole() {
        return aws.iam().listRoles(r -> r.pathPrefix(SERVICE_LINKED_ROLE_PATH)).roles().stream().findFirst()
                .map(software.amazon.awssdk.services.iam.model.Role::arn)
                .orElseGet(() -> aws.iam().createServiceLinkedRole(r -> r.awsServiceName("batch.amazonaws.com")).role().arn());
    }

    /**
     * CloudFormation's PascalCase property names as the API's camelCase ones ({@code MaxvCpus} ->
     * {@code maxvCpus}); the keys of LogConfiguration's Options are the log driver's own and stay.
     */
    static JsonNode camel(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(n -> out.add(camel(n)));
            return out;
        }
        if (!node.isObject()) return node;
        ObjectNode out = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String name = key.isEmpty() ? key : Character.toLowerCase(key.charAt(0)) + key.substring(1);
            out.set(name, key.equals("Options") ? e.getValue() : camel(e.getValue()));
        }
        return out;
    }

    private JsonNode call(String path, ObjectNode body) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(endpoint.resolve(path))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "AWS4-HMAC-SHA256 Credential=vm2ami-local/20260101/" + region
                            + "/batch/aws4_request, SignedHeaders=host, Signature=local")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("AWS Batch " + path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
