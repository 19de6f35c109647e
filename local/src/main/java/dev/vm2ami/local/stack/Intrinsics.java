package dev.vm2ami.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CloudFormation's intrinsic functions over a template fragment: Ref, Fn::GetAtt, Fn::Join, Fn::Sub,
 * Fn::Select, Fn::Split and the pseudo parameters. What a Ref or an attribute of a resource is comes
 * from the deployer (the physical id it created); anything else is an error that names the function,
 * so an unsupported template fails the deployment instead of deploying a half-resolved value.
 */
final class Intrinsics {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern SUB = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private final Map<String, String> pseudo;
    private final Function<String, String> ref;
    private final BiFunction<String, String, String> getAtt;

    /**
     * @param pseudo  AWS::Region, AWS::AccountId, AWS::Partition, AWS::StackName, AWS::URLSuffix
     * @param ref     logical id -> what Ref answers for it
     * @param getAtt  (logical id, attribute) -> the attribute
     */
    Intrinsics(Map<String, String> pseudo, Function<String, String> ref, BiFunction<String, String, String> getAtt) {
        this.pseudo = pseudo;
        this.ref = ref;
        this.getAtt = getAtt;
    }

    /** The fragment with every intrinsic replaced by its value. */
    JsonNode resolve(JsonNode node) {
        if (node == null || node.isMissingNode()) return node;
        if (node.isObject()) {
            if (node.size() == 1) {
                String name = node.fieldNames().next();
                JsonNode arg = node.get(name);
                switch (name) {
                    case "Ref" -> { return TextNode.valueOf(ref(arg.asText())); }
                    case "Fn::GetAtt" -> { return TextNode.valueOf(getAtt(arg)); }
                    case "Fn::Join" -> { return TextNode.valueOf(join(arg)); }
                    case "Fn::Sub" -> { return TextNode.valueOf(sub(arg)); }
                    case "Fn::Select" -> { return select(arg); }
                    case "Fn::Split" -> { return split(arg); }
                    default -> {
                        if (name.startsWith("Fn::") || name.equals("Condition")) {
                            throw new UnsupportedTemplateException("the local deployer does not support " + name);
                        }
                    }
                }
            }
            ObjectNode out = NODES.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), resolve(e.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(n -> out.add(resolve(n)));
            return out;
        }
        return node;
    }

    String text(JsonNode node) {
        JsonNode resolved = resolve(node);
        return resolved == null || resolved.isMissingNode() || resolved.isNull() ? null : resolved.asText();
    }

    /** The logical ids a fragment refers to (Ref, Fn::GetAtt, and ${X} / ${X.Attr} in Fn::Sub). */
    static Set<String> references(JsonNode node) {
        Set<String> out = new LinkedHashSet<>();
        collect(node, out);
        return out;
    }

    private static void collect(JsonNode node, Set<String> out) {
        if (node == null) return;
        if (node.isObject()) {
            if (node.has("Ref") && node.size() == 1 && !node.get("Ref").asText().startsWith("AWS::")) {
                out.add(node.get("Ref").asText());
            } else if (node.has("Fn::GetAtt") && node.size() == 1) {
                JsonNode arg = node.get("Fn::GetAtt");
                out.add(arg.isArray() ? arg.get(0).asText() : arg.asText().split("\\.", 2)[0]);
            } else if (node.has("Fn::Sub") && node.size() == 1) {
                JsonNode arg = node.get("Fn::Sub");
                String text = arg.isArray() ? arg.get(0).asText() : arg.asText();
                Matcher m = SUB.matcher(text);
                while (m.find()) {
                    String name = m.group(1).split("\\.", 2)[0];
                    if (!name.startsWith("AWS::") && !(arg.isArray() && arg.get(1).has(name))) out.add(name);
                }
                if (arg.isArray()) collect(arg.get(1), out);
            } else {
                node.forEach(n -> collect(n, out));
            }
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, out));
        }
    }

    private String ref(String name) {
        if (name.startsWith("AWS::")) {
            String value = pseudo.get(name);
            if (value == null) throw new UnsupportedTemplateException("the local deployer has no value for " + name);
            return value;
        }
        return ref.apply(name);
    }

    private String getAtt(JsonNode arg) {
        String id;
        String attribute;
        if (arg.isArray()) {
            id = arg.get(0).asText();
            attribute = arg.get(1).asText();
        } else {
            String[] parts = arg.asText().split("\\.", 2);
            id = parts[0];
            attribute = parts[1];
        }
        return getAtt.apply(id, attribute);
    }

    private String join(JsonNode arg) {
        String delimiter = arg.get(0).asText();
        JsonNode values = resolve(arg.get(1));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) out.append(delimiter);
            out.append(values.get(i).asText());
        }
        return out.toString();
    }

    private String sub(JsonNode arg) {
        String text = arg.isArray() ? arg.get(0).asText() : arg.asText();
        JsonNode variables = arg.isArray() ? resolve(arg.get(1)) : NODES.objectNode();
        Matcher m = SUB.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value;
            if (variables.has(name)) value = variables.get(name).asText();
            else if (name.startsWith("AWS::")) value = ref(name);
            else if (name.contains(".")) value = getAtt.apply(name.split("\\.", 2)[0], name.split("\\.", 2)[1]);
            else value = ref.apply(name);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().replace("${!", "${");
    }

    private JsonNode select(JsonNode arg) {
        int index = Integer.parseInt(resolve(arg.get(0)).asText());
        JsonNode list = resolve(arg.get(1));
        if (index < 0 || index >= list.size()) {
            throw new UnsupportedTemplateException("Fn::Select index " + index + " outside a list of " + list.size());
        }
        return list.get(index);
    }

    private JsonNode split(JsonNode arg) {
        String delimiter = arg.get(0).asText();
        String text = resolve(arg.get(1)).asText();
        ArrayNode out = NODES.arrayNode();
        for (String part : text.split(Pattern.quote(delimiter), -1)) out.add(part);
        return out;
    }

    static JsonNode parse(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
