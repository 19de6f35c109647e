package dev.vm2ami.infra;

import dev.vm2ami.wiring.PipelineFunction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a synthesized template as plain maps: resources by type, IAM statements by role, and
 * CloudFormation intrinsics rendered as readable strings ({@code arn:${AWS::Partition}:ec2:...},
 * {@code Bucket.Arn}) so assertions say what a reviewer would check.
 */
final class TemplateJson {
    /** One IAM statement, flattened. */
    record Statement(String effect, Object principal, List<String> actions, List<String> resources,
                     Map<String, Object> conditions) {}

    private final Map<String, Object> resources;

    @SuppressWarnings("unchecked")
    TemplateJson(Map<String, Object> template) {
        this.resources = (Map<String, Object>) template.get("Resources");
    }

    /** Logical id -> Properties of every resource of the type. */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> ofType(String type) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        resources.forEach((id, r) -> {
            Map<String, Object> resource = (Map<String, Object>) r;
            if (type.equals(resource.get("Type"))) {
                out.put(id, (Map<String, Object>) resource.getOrDefault("Properties", Map.of()));
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> resource(String logicalId) {
        return (Map<String, Object>) resources.get(logicalId);
    }

    /** The logical id and properties of the function deployed for {@code f} by the default stack name. */
    Map.Entry<String, Map<String, Object>> function(PipelineFunction f) {
        return ofType("AWS::Lambda::Function").entrySet().stream()
                .filter(e -> f.functionName("vm2ami").equals(e.getValue().get("FunctionName")))
                .findFirst().orElseThrow(() -> new AssertionError("no function " + f.functionName("vm2ami")));
    }

    /** The logical id of the alias callers invoke {@code f} through (its Ref is the alias ARN). */
    String alias(PipelineFunction f) {
        String function = function(f).getKey();
        return ofType("AWS::Lambda::Alias").entrySet().stream()
                .filter(e -> Map.of("Ref", function).equals(e.getValue().get("FunctionName")))
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no alias of " + function));
    }

    /** Every statement that applies to the role: inline policies and attached AWS::IAM::Policy resources. */
    @SuppressWarnings("unchecked")
    List<Statement> statementsOfRole(String roleLogicalId) {
        List<Statement> out = new ArrayList<>();
        Map<String, Object> role = ofType("AWS::IAM::Role").get(roleLogicalId);
        for (Object p : (List<Object>) role.getOrDefault("Policies", List.of())) {
            out.addAll(statements(((Map<String, Object>) p).get("PolicyDocument")));
        }
        ofType("AWS::IAM::Policy").forEach((id, policy) -> {
            List<Object> roles = (List<Object>) policy.get("Roles");
            if (roles.stream().map(TemplateJson::render).anyMatch(roleLogicalId::equals)) {
                out.addAll(statements(policy.get("PolicyDocument")));
            }
        });
        return out;
    }

    List<Statement> statementsOfFunction(PipelineFunction f) {
        return statementsOfRole(roleOf(function(f).getValue()));
    }

    /** Every identity-policy statement in the template (roles and attached policies). */
    List<Statement> allIdentityStatements() {
        return ofType("AWS::IAM::Role").keySet().stream().flatMap(id -> statementsOfRole(id).stream()).toList();
    }

    static String roleOf(Map<String, Object> functionProperties) {
        return render(functionProperties.get("Role")).replace(".Arn", "");
    }

    @SuppressWarnings("unchecked")
    static List<Statement> statements(Object policyDocument) {
        List<Statement> out = new ArrayList<>();
        for (Object s : (List<Object>) ((Map<String, Object>) policyDocument).get("Statement")) {
            Map<String, Object> st = (Map<String, Object>) s;
            out.add(new Statement((String) st.get("Effect"), st.get("Principal"), strings(st.get("Action")), strings(st.get("Resource")),
                    (Map<String, Object>) st.getOrDefault("Condition", Map.of())));
        }
        return out;
    }

    static List<String> strings(Object value) {
        if (value == null) return List.of();
        if (value instanceof List<?> list) return list.stream().map(TemplateJson::render).toList();
        return List.of(render(value));
    }

    /** {"Ref": "X"} -> X, {"Fn::GetAtt": ["X", "Arn"]} -> X.Arn, Fn::Join -> the joined text with ${Ref}s. */
    @SuppressWarnings("unchecked")
    static String render(Object value) {
        if (value instanceof String s) return s;
        if (value instanceof Map<?, ?> m) {
            if (m.containsKey("Ref")) {
                String ref = (String) m.get("Ref");
                return ref.startsWith("AWS::") ? "${" + ref + "}" : ref;
            }
            if (m.containsKey("Fn::GetAtt")) return String.join(".", (List<String>) m.get("Fn::GetAtt"));
            if (m.containsKey("Fn::Join")) {
                List<Object> join = (List<Object>) m.get("Fn::Join");
                return ((List<Object>) join.get(1)).stream().map(TemplateJson::render)
                        .collect(Collectors.joining((String) join.get(0)));
            }
        }
        return String.valueOf(value);
    }
}
