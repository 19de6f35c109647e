package dev.vm2ami.wiring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ASL of the import state machine ({@code statemachine/import-image.asl.json}, shipped inside
 * the functions artifact) and its {@code ${Placeholder}}s. The CDK stack hands the text to
 * CloudFormation with DefinitionSubstitutions; the local cloud substitutes the same keys itself.
 */
public final class StateMachineDefinition {
    public static final String RESOURCE = "statemachine/import-image.asl.json";
    public static final String TOPIC_PLACEHOLDER = "NotificationTopicArn";
    /** The AWS Batch job queue and job definition of the batch conversion engine (ConvertOnBatch). */
    public static final String CONVERT_JOB_QUEUE_PLACEHOLDER = "ConvertJobQueueArn";
    public static final String CONVERT_JOB_DEFINITION_PLACEHOLDER = "ConvertJobDefinitionArn";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");

    private final String template;

    private StateMachineDefinition(String template) {
        this.template = template;
    }

    public static StateMachineDefinition load() {
        try (InputStream in = StateMachineDefinition.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is not on the classpath");
            return new StateMachineDefinition(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The definition with its placeholders, as CloudFormation's DefinitionString takes it. */
    public String template() {
        return template;
    }

    /** Every placeholder the definition uses, e.g. {@code CheckFunctionArn}. */
    public Set<String> placeholders() {
        Set<String> names = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    /** The placeholders the wiring says there must be: one per function the state machine calls, the topic and the batch engine's. */
    public static Set<String> expectedPlaceholders() {
        Set<String> names = new TreeSet<>();
        PipelineFunction.calledByStateMachine().forEach(f -> names.add(f.aslPlaceholder().orElseThrow()));
        names.add(TOPIC_PLACEHOLDER);
        names.add(CONVERT_JOB_QUEUE_PLACEHOLDER);
        names.add(CONVERT_JOB_DEFINITION_PLACEHOLDER);
        return names;
    }

    /** The definition with every placeholder replaced; fails if one has no value. */
    public String substitute(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) throw new IllegalArgumentException("no value for ${" + m.group(1) + "} in " + RESOURCE);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
