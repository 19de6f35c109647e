package dev.vm2ami.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.local.cloud.AwsClients;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Deploys a synthesized CloudFormation template into the local cloud, resource by resource, in
 * dependency order, through the same APIs CloudFormation uses: the roles and their policies exactly
 * as synthesized, the bucket and its notifications, the queues, topics, key, functions, event source
 * mapping and state machine. {@link #SKIPPED} lists the types it does not create and why.
 *
 * <p>Where the template leaves a name to CloudFormation, the local cloud names the resource after the
 * stack and its construct path ({@code vm2ami-images-bucket}) instead of a random suffix, so names are
 * stable between runs; the stack's outputs say what they are, as on AWS.
 */
public final class TemplateDeployer {
    private static final String NO_NETWORK = "no network is simulated: a conversion job runs as a local process and "
            + "reaches the local cloud on loopback (the VPC, subnets and security group exist, as the compute environment names them)";
    /** Resource types the local cloud does not create, with the reason. */
    public static final Map<String, String> SKIPPED = Map.ofEntries(
            Map.entry("AWS::Logs::LogGroup", "functions log to the function host's files (function-logs); no CloudWatch Logs"),
            Map.entry("AWS::CloudWatch::Alarm", "no metrics are emitted locally, so an alarm could never fire"),
            Map.entry("AWS::CloudWatch::Dashboard", "the functions' metric lines (EMF) go to the function logs; nothing makes metrics of them locally"),
            Map.entry("AWS::Lambda::Permission", "resource policies are not evaluated locally; the local schedule invokes the reconciler itself"),
            Map.entry("AWS::CDK::Metadata", "CDK bookkeeping"),
            Map.entry("AWS::EC2::InternetGateway", NO_NETWORK),
            Map.entry("AWS::EC2::VPCGatewayAttachment", NO_NETWORK),
            Map.entry("AWS::EC2::RouteTable", NO_NETWORK),
            Map.entry("AWS::EC2::Route", NO_NETWORK),
            Map.entry("AWS::EC2::SubnetRouteTableAssociation", NO_NETWORK));
    /** The CDK's bucket-notification handler is a Python function; its job (PutBucketNotificationConfiguration) is done here. */
    static final String NOTIFICATION_HANDLER_REASON = "the CDK's Python handler of Custom::S3BucketNotifications; "
            + "the deployer applies the notification configuration itself";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");

    /** A schedule the template defines (EventBridge rule): the function it invokes and how often. */
    /** @param target the function as the rule names it: its ARN, qualified with an alias when the rule targets one */
    public record Schedule(String logicalId, String functionName, String target, Duration every) {}

    /** A resource of the template that was not created, and why. */
    public record Skipped(String logicalId, String type, String reason) {}

    /** What was deployed: each resource's physical id and attributes, the outputs, the schedules. */
    public record Deployed(String stackName, Map<String, String> physicalIds, Map<String, String> outputs,
                           Map<String, JsonNode> functionEnvironments, List<Schedule> schedules, List<Skipped> skipped) {}

    private final AwsClients aws;
    private final URI endpoint;
    private final String region;
    private final String account;
    private final UnaryOperator<Map<String, String>> environmentOverride;
    private final BatchResources batch;

    private final Map<String, String> physical = new HashMap<>();
    private final Map<String, Map<String, String>> attributes = new HashMap<>();

    /**
     * @param environmentOverride applied to each Java function's environment after it is resolved: the
     *                            local clock's timing knobs (the one written exception to the template)
     */
    public TemplateDeployer(AwsClients aws, URI endpoint, String region, String account,
                            UnaryOperator<Map<String, String>> environmentOverride) {
        this.aws = aws;
        this.endpoint = endpoint;
        this.region = region;
        this.account = account;
        this.environmentOverride = environmentOverride;
        this.batch = new BatchResources(aws, endpoint, region);
    }

    public Deployed deploy(JsonNode template, String stackName) {
        JsonNode resources = template.path("Resources");
        Intrinsics intrinsics = new Intrinsics(Map.of(
                "AWS::Region", region, "AWS::AccountId", account, "AWS::Partition", "aws",
                "AWS::StackName", stackName, "AWS::URLSuffix", "amazonaws.com",
                "AWS::StackId", "arn:aws:cloudformation:" + region + ":" + account + ":stack/" + stackName + "/local"),
                this::ref, this::attribute);
        Set<String> handlers = notificationHandlers(resources);
        List<Schedule> schedules = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        Map<String, JsonNode> environments = new LinkedHashMap<>();
        for (String id : order(resources)) {
            JsonNode resource = resources.get(id);
            String type = resource.path("Type").asText();
            JsonNode props = resource.path("Properties");
            if (SKIPPED.containsKey(type)) {
                skipped.add(new Skipped(id, type, SKIPPED.get(type)));
                notCreated(id, type, props, resource, stackName, intrinsics);
                continue;
            }
            if (handlers.contains(id)) {
                skipped.add(new Skipped(id, type, NOTIFICATION_HANDLER_REASON));
                continue;
            }
            switch (type) {
                case "AWS::IAM::Role" -> role(id, props, resource, stackName, intrinsics);
                case "AWS::IAM::Policy" -> policy(id, props, intrinsics);
                case "AWS::KMS::Key" -> key(id, props, intrinsics);
                case "AWS::S3::Bucket" -> bucket(id, props, resource, stackName, intrinsics);
                case "AWS::S3::BucketPolicy" -> skipped.add(bucketPolicy(id, type, intrinsics.resolve(props.path("PolicyDocument"))));
                case "AWS::SQS::Queue" -> queue(id, props, resource, stackName, intrinsics);
                case "AWS::SQS::QueuePolicy" -> intrinsics.resolve(props.path("Queues")).forEach(q -> aws.sqs().setQueueAttributes(a -> a
                        .queueUrl(q.asText()).attributes(Map.of(QueueAttributeName.POLICY, json(intrinsics.resolve(props.path("PolicyDocument")))))));
                case "AWS::SNS::Topic" -> topic(id, props, resource, stackName, intrinsics);
                case "AWS::SNS::TopicPolicy" -> intrinsics.resolve(props.path("Topics")).forEach(t -> aws.sns().setTopicAttributes(a -> a
                        .topicArn(t.asText()).attributeName("Policy").attributeValue(json(intrinsics.resolve(props.path("PolicyDocument"))))));
                case "AWS::SNS::Subscription" -> subscription(id, props, intrinsics);
                case "AWS::Lambda::Function" -> {
                    if (!props.path("Runtime").asText().startsWith("java")) {
                        skipped.add(new Skipped(id, type, "runtime " + props.path("Runtime").asText()
                                + ": the function host runs the Java artifact only"));
                    } else {
                        environments.put(id, function(id, props, intrinsics));
                    }
                }
                case "AWS::Lambda::Version" -> version(id, props, intrinsics);
                case "AWS::Lambda::Alias" -> alias(id, props, intrinsics);
                case "AWS::Lambda::EventSourceMapping" -> eventSourceMapping(id, props, intrinsics);
                case "AWS::StepFunctions::StateMachine" -> stateMachine(id, props, intrinsics);
                case "AWS::Events::Rule" -> schedules.addAll(schedule(id, props, intrinsics));
                case "Custom::S3BucketNotifications" -> bucketNotifications(props, intrinsics);
                case "AWS::EC2::VPC" -> created(id, batch.vpc(props, intrinsics), Map.of());
                case "AWS::EC2::Subnet" -> created(id, batch.subnet(props, intrinsics), Map.of());
                case "AWS::EC2::SecurityGroup" -> {
                    String groupId = batch.securityGroup(localName(stackName, resource, id, 255), props, intrinsics);
                    created(id, groupId, Map.of("GroupId", groupId));
                }
                case "AWS::Batch::ComputeEnvironment" -> {
                    String arn = batch.computeEnvironment(localName(stackName, resource, id, 128), props, intrinsics);
                    created(id, arn, Map.of("ComputeEnvironmentArn", arn));
                }
                case "AWS::Batch::JobQueue" -> {
                    String arn = batch.jobQueue(localName(stackName, resource, id, 128), props, intrinsics);
                    created(id, arn, Map.of("JobQueueArn", arn));
                }
                case "AWS::Batch::JobDefinition" -> created(id, batch.jobDefinition(localName(stackName, resource, id, 128), props,
                        intrinsics), Map.of());
                default -> throw new UnsupportedTemplateException("the local deployer cannot create " + id + " of type " + type
                        + "; add it to TemplateDeployer (or to SKIPPED, with the reason, in local/README.md too)");
            }
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        template.path("Outputs").fields().forEachRemaining(e -> outputs.put(e.getKey(), intrinsics.text(e.getValue().path("Value"))));
        return new Deployed(stackName, Map.copyOf(physical), outputs, environments, schedules, skipped);
    }

    // ---- resources ----------------------------------------------------------------------------

    private void role(String id, JsonNode props, JsonNode resource, String stack, Intrinsics in) {
        String name = props.has("RoleName") ? in.text(props.path("RoleName")) : localName(stack, resource, id, 64);
        String trust = json(in.resolve(props.path("AssumeRolePolicyDocument")));
        String arn = aws.iam().createRole(r -> r.roleName(name).assumeRolePolicyDocument(trust)
                .description(props.path("Description").asText(null))).role().arn();
        for (JsonNode policy : props.path("Policies")) {
            String policyName = in.text(policy.path("PolicyName"));
            String document = json(in.resolve(policy.path("PolicyDocument")));
            aws.iam().putRolePolicy(p -> p.roleName(name).policyName(policyName).policyDocument(document));
        }
        for (JsonNode managed : props.path("ManagedPolicyArns")) {
            String policyArn = in.text(managed);
            aws.iam().attachRolePolicy(a -> a.roleName(name).policyArn(policyArn));
        }
        created(id, name, Map.of("Arn", arn, "RoleId", name));
    }

    private void policy(String id, JsonNode props, Intrinsics in) {
        String name = in.text(props.path("PolicyName"));
        String document = json(in.resolve(props.path("PolicyDocument")));
        for (JsonNode role : in.resolve(props.path("Roles"))) {
            aws.iam().putRolePolicy(p -> p.roleName(role.asText()).policyName(name).policyDocument(document));
        }
        created(id, name, Map.of());
    }

    /** KMS's SDK module is not on the package mirror at the SDK version used, so the key is made through KMS's JSON API. */
    private void key(String id, JsonNode props, Intrinsics in) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("Description", props.path("Description").asText(""));
        if (props.has("KeyPolicy")) request.put("Policy", json(in.resolve(props.path("KeyPolicy"))));
        JsonNode metadata = jsonCall("kms", "TrentService.CreateKey", request).path("KeyMetadata");
        created(id, metadata.path("KeyId").asText(), Map.of("Arn", metadata.path("Arn").asText(),
                "KeyId", metadata.path("KeyId").asText()));
    }

    private void bucket(String id, JsonNode props, JsonNode resource, String stack, Intrinsics in) {
        String name = props.has("BucketName") ? in.text(props.path("BucketName"))
                : localName(stack, resource, id, 63).toLowerCase(Locale.ROOT);
        aws.s3().createBucket(b -> b.bucket(name));
        if ("Enabled".equals(props.path("VersioningConfiguration").path("Status").asText())) {
            aws.s3().putBucketVersioning(v -> v.bucket(name).versioningConfiguration(c -> c.status("Enabled")));
        }
        JsonNode sse = props.path("BucketEncryption").path("ServerSideEncryptionConfiguration");
        if (sse.isArray() && !sse.isEmpty()) {
            JsonNode rule = in.resolve(sse.get(0));
            String algorithm = rule.path("ServerSideEncryptionByDefault").path("SSEAlgorithm").asText();
            String keyId = rule.path("ServerSideEncryptionByDefault").path("KMSMasterKeyID").asText(null);
            aws.s3().putBucketEncryption(e -> e.bucket(name).serverSideEncryptionConfiguration(c -> c.rules(r -> r
                    .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(algorithm).kmsMasterKeyID(keyId))
                    .bucketKeyEnabled(rule.path("BucketKeyEnabled").asBoolean(false)))));
        }
        created(id, name, Map.of("Arn", "arn:aws:s3:::" + name, "DomainName", name + ".s3.amazonaws.com",
                "RegionalDomainName", name + ".s3." + region + ".amazonaws.com"));
    }

    private void queue(String id, JsonNode props, JsonNode resource, String stack, Intrinsics in) {
        String name = props.has("QueueName") ? in.text(props.path("QueueName")) : localName(stack, resource, id, 80);
        Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
        if (props.has("VisibilityTimeout")) attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, props.path("VisibilityTimeout").asText());
        if (props.has("MessageRetentionPeriod")) attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, props.path("MessageRetentionPeriod").asText());
        if (props.has("RedrivePolicy")) attributes.put(QueueAttributeName.REDRIVE_POLICY, json(in.resolve(props.path("RedrivePolicy"))));
        String url = aws.sqs().createQueue(q -> q.queueName(name).attributes(attributes)).queueUrl();
        String arn = "arn:aws:sqs:" + region + ":" + account + ":" + name;
        created(id, url, Map.of("Arn", arn, "QueueName", name, "QueueUrl", url));
    }

    private void topic(String id, JsonNode props, JsonNode resource, String stack, Intrinsics in) {
        String name = props.has("TopicName") ? in.text(props.path("TopicName")) : localName(stack, resource, id, 256);
        Map<String, String> attributes = new LinkedHashMap<>();
        if (props.has("DisplayName")) attributes.put("DisplayName", in.text(props.path("DisplayName")));
        if (props.has("KmsMasterKeyId")) attributes.put("KmsMasterKeyId", in.text(props.path("KmsMasterKeyId")));
        String arn = aws.sns().createTopic(t -> t.name(name).attributes(attributes)).topicArn();
        created(id, arn, Map.of("TopicArn", arn, "TopicName", name));
    }

    private void subscription(String id, JsonNode props, Intrinsics in) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (props.has("FilterPolicy")) attributes.put("FilterPolicy", json(in.resolve(props.path("FilterPolicy"))));
        if (props.has("RawMessageDelivery")) attributes.put("RawMessageDelivery", props.path("RawMessageDelivery").asText());
        String arn = aws.sns().subscribe(s -> s.topicArn(in.text(props.path("TopicArn"))).protocol(in.text(props.path("Protocol")))
                .endpoint(in.text(props.path("Endpoint"))).attributes(attributes).returnSubscriptionArn(true)).subscriptionArn();
        created(id, arn, Map.of());
    }

    /**
     * The function with its role, handler, memory, timeout and environment from the template. moto stores
     * a placeholder as its code: the function host runs the function's Maven-built zip (PipelineFunction.zipName,
     * found by the handler), the same zip the template's asset is.
     */
    private JsonNode function(String id, JsonNode props, Intrinsics in) {
        String name = in.text(props.path("FunctionName"));
        Map<String, String> environment = new LinkedHashMap<>();
        in.resolve(props.path("Environment").path("Variables")).fields()
                .forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
        Map<String, String> effective = environmentOverride.apply(environment);
        String arn = aws.lambda().createFunction(c -> c.functionName(name).runtime(Runtime.fromValue(props.path("Runtime").asText()))
                .role(in.text(props.path("Role"))).handler(props.path("Handler").asText())
                .description(props.path("Description").asText(null))
                .timeout(props.path("Timeout").asInt(3)).memorySize(props.path("MemorySize").asInt(128))
                .environment(e -> e.variables(effective))
                .code(code -> code.zipFile(SdkBytes.fromByteArray(placeholderZip())))).functionArn();
        created(id, name, Map.of("Arn", arn));
        return JSON.valueToTree(effective);
    }

    /**
     * A published version: Ref is its ARN (qualified with the version number), Version its number. On AWS a
     * SnapStart function's version is published with a snapshot of its initialized JVM; locally it is not
     * (local/README.md says why).
     */
    private void version(String id, JsonNode props, Intrinsics in) {
        var published = aws.lambda().publishVersion(v -> v.functionName(in.text(props.path("FunctionName")))
                .description(props.path("Description").asText(null)));
        created(id, published.functionArn(), Map.of("Version", published.version(), "FunctionArn", published.functionArn()));
    }

    /** An alias: Ref is its ARN (the function's, qualified with the alias name), as callers invoke it. */
    private void alias(String id, JsonNode props, Intrinsics in) {
        String arn = aws.lambda().createAlias(a -> a.functionName(in.text(props.path("FunctionName")))
                .name(in.text(props.path("Name"))).functionVersion(in.text(props.path("FunctionVersion")))
                .description(props.path("Description").asText(null))).aliasArn();
        created(id, arn, Map.of("AliasArn", arn));
    }

    private void eventSourceMapping(String id, JsonNode props, Intrinsics in) {
        List<FunctionResponseType> types = new ArrayList<>();
        props.path("FunctionResponseTypes").forEach(t -> types.add(FunctionResponseType.fromValue(t.asText())));
        String uuid = aws.lambda().createEventSourceMapping(m -> {
            m.functionName(in.text(props.path("FunctionName"))).eventSourceArn(in.text(props.path("EventSourceArn")))
                    .batchSize(props.path("BatchSize").asInt(10)).functionResponseTypes(types);
            if (props.path("ScalingConfig").has("MaximumConcurrency")) {
                m.scalingConfig(s -> s.maximumConcurrency(props.path("ScalingConfig").path("MaximumConcurrency").asInt()));
            }
        }).uuid();
        created(id, uuid, Map.of());
    }

    private void stateMachine(String id, JsonNode props, Intrinsics in) {
        String definition = in.text(props.path("DefinitionString"));
        Map<String, String> substitutions = new LinkedHashMap<>();
        in.resolve(props.path("DefinitionSubstitutions")).fields().forEachRemaining(e -> substitutions.put(e.getKey(), e.getValue().asText()));
        for (Map.Entry<String, String> s : substitutions.entrySet()) {
            definition = definition.replace("${" + s.getKey() + "}", s.getValue());
        }
        if (definition.matches("(?s).*\\$\\{[A-Za-z0-9_]+}.*")) {
            throw new UnsupportedTemplateException("the state machine " + id + " keeps placeholders that DefinitionSubstitutions does not fill");
        }
        String name = in.text(props.path("StateMachineName"));
        String body = definition;
        String arn = aws.sfn().createStateMachine(c -> c.name(name).definition(body).roleArn(in.text(props.path("RoleArn")))).stateMachineArn();
        created(id, arn, Map.of("Arn", arn, "Name", name));
    }

    private List<Schedule> schedule(String id, JsonNode props, Intrinsics in) {
        Matcher rate = RATE.matcher(props.path("ScheduleExpression").asText());
        if (!rate.matches()) {
            throw new UnsupportedTemplateException("rule " + id + ": only rate(...) schedules run locally, not "
                    + props.path("ScheduleExpression").asText());
        }
        long n = Long.parseLong(rate.group(1));
        Duration every = switch (rate.group(2)) {
            case "minute", "minutes" -> Duration.ofMinutes(n);
            case "hour", "hours" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        List<Schedule> out = new ArrayList<>();
        for (JsonNode target : props.path("Targets")) {
            String arn = in.text(target.path("Arn"));
            if (!arn.contains(":lambda:")) throw new UnsupportedTemplateException("rule " + id + " targets " + arn + "; only functions run locally");
            String[] parts = arn.split(":"); // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
            if (parts.length < 7) throw new UnsupportedTemplateException("rule " + id + " targets " + arn + ", which is no function ARN");
            out.add(new Schedule(id, parts[6], arn, every));
        }
        created(id, id, Map.of());
        return out;
    }

    private void bucketNotifications(JsonNode props, Intrinsics in) {
        String bucket = in.text(props.path("BucketName"));
        JsonNode configuration = in.resolve(props.path("NotificationConfiguration"));
        if (configuration.has("TopicConfigurations") || configuration.has("LambdaFunctionConfigurations")) {
            throw new UnsupportedTemplateException("bucket notifications to topics or functions are not deployed locally");
        }
        List<QueueConfiguration> queues = new ArrayList<>();
        for (JsonNode q : configuration.path("QueueConfigurations")) {
            List<FilterRule> rules = new ArrayList<>();
            q.path("Filter").path("Key").path("FilterRules").forEach(r -> rules.add(FilterRule.builder()
                    .name(r.path("Name").asText()).value(r.path("Value").asText()).build()));
            List<Event> events = new ArrayList<>();
            q.path("Events").forEach(e -> events.add(Event.fromValue(e.asText())));
            queues.add(QueueConfiguration.builder().queueArn(q.path("QueueArn").asText()).events(events)
                    .filter(f -> f.key(k -> k.filterRules(rules))).build());
        }
        aws.s3().putBucketNotificationConfiguration(n -> n.bucket(bucket).notificationConfiguration(c -> c.queueConfigurations(queues)));
    }

    /**
     * Bucket policies are not applied: moto evaluates them on object requests with every condition taken
     * as met, and the stack's are the TLS-only Deny (aws:SecureTransport false), which over the local
     * plain-HTTP endpoint would refuse every request, plus S3's log-delivery grant. Any other statement
     * stops the deployment, so a policy that matters is never silently dropped.
     */
    private static Skipped bucketPolicy(String id, String type, JsonNode document) {
        for (JsonNode statement : document.path("Statement")) {
            boolean tlsOnly = "Deny".equals(statement.path("Effect").asText())
                    && statement.path("Condition").path("Bool").has("aws:SecureTransport");
            boolean logDelivery = "logging.s3.amazonaws.com".equals(statement.path("Principal").path("Service").asText());
            if (!tlsOnly && !logDelivery) {
                throw new UnsupportedTemplateException("bucket policy " + id + " has a statement the local cloud cannot apply: " + statement);
            }
        }
        return new Skipped(id, type, "only the TLS-only Deny and S3 log delivery, neither applicable to the local plain-HTTP endpoint");
    }

    /** A skipped resource still has the name and ARN policies refer to (e.g. the log groups functions may write). */
    private void notCreated(String id, String type, JsonNode props, JsonNode resource, String stack, Intrinsics in) {
        if (type.equals("AWS::Logs::LogGroup")) {
            String name = props.has("LogGroupName") ? in.text(props.path("LogGroupName")) : localName(stack, resource, id, 512);
            created(id, name, Map.of("Arn", "arn:aws:logs:" + region + ":" + account + ":log-group:" + name + ":*"));
        } else {
            created(id, id, Map.of());
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void created(String id, String physicalId, Map<String, String> attrs) {
        physical.put(id, physicalId);
        attributes.put(id, attrs);
    }

    private String ref(String id) {
        String value = physical.get(id);
        if (value == null) throw new UnsupportedTemplateException("Ref to " + id + ", which is not deployed (yet)");
        return value;
    }

    private String attribute(String id, String attribute) {
        String value = attributes.getOrDefault(id, Map.of()).get(attribute);
        if (value == null) throw new UnsupportedTemplateException("Fn::GetAtt " + id + "." + attribute + " is not known locally");
        return value;
    }

    /** Resources in an order where each comes after what it refers to (Ref, GetAtt, Sub, DependsOn). */
    static List<String> order(JsonNode resources) {
        Map<String, Set<String>> needs = new LinkedHashMap<>();
        resources.fieldNames().forEachRemaining(id -> {
            JsonNode r = resources.get(id);
            Set<String> deps = new LinkedHashSet<>(Intrinsics.references(r.path("Properties")));
            JsonNode dependsOn = r.path("DependsOn");
            if (dependsOn.isTextual()) deps.add(dependsOn.asText());
            dependsOn.forEach(d -> deps.add(d.asText()));
            deps.retainAll(iterable(resources.fieldNames()));
            needs.put(id, deps);
        });
        List<String> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        while (ordered.size() < needs.size()) {
            boolean progressed = false;
            for (Map.Entry<String, Set<String>> e : needs.entrySet()) {
                if (!done.contains(e.getKey()) && done.containsAll(e.getValue())) {
                    ordered.add(e.getKey());
                    done.add(e.getKey());
                    progressed = true;
                }
            }
            if (!progressed) {
                needs.keySet().removeAll(done);
                throw new UnsupportedTemplateException("the template's resources refer to each other in a cycle: " + needs.keySet());
            }
        }
        return ordered;
    }

    private static Set<String> iterable(Iterator<String> it) {
        Set<String> out = new LinkedHashSet<>();
        it.forEachRemaining(out::add);
        return out;
    }

    /** The functions that serve Custom::S3BucketNotifications resources (their ServiceToken). */
    private static Set<String> notificationHandlers(JsonNode resources) {
        Set<String> out = new LinkedHashSet<>();
        resources.fields().forEachRemaining(e -> {
            if ("Custom::S3BucketNotifications".equals(e.getValue().path("Type").asText())) {
                out.addAll(Intrinsics.references(e.getValue().path("Properties").path("ServiceToken")));
            }
        });
        return out;
    }

    /** stack name + the construct path without the CDK's "Resource"/"Default" leaves: vm2ami-images-bucket. */
    static String localName(String stack, JsonNode resource, String logicalId, int max) {
        String path = resource.path("Metadata").path("aws:cdk:path").asText("");
        List<String> parts = new ArrayList<>();
        String[] segments = path.isEmpty() ? new String[]{logicalId} : path.split("/");
        for (int i = path.isEmpty() ? 0 : 1; i < segments.length; i++) {
            String s = segments[i];
            if (s.equals("Resource") || s.equals("Default")) continue;
            parts.add(s.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT));
        }
        String name = stack + "-" + String.join("-", parts);
        return name.length() <= max ? name : name.substring(0, max);
    }

    private JsonNode jsonCall(String service, String target, Map<String, Object> body) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .header("X-Amz-Target", target)
                    .header("Authorization", "AWS4-HMAC-SHA256 Credential=vm2ami-local/20260101/" + region + "/" + service
                            + "/aws4_request, SignedHeaders=host, Signature=local")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) throw new IllegalStateException(target + " answered " + response.statusCode() + ": " + response.body());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String json(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] placeholderZip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("README.txt"));
            zip.write("The vm2ami function host runs this function from its zip in functions/target/lambda.".getBytes());
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
