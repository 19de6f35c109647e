package dev.vm2ami.wiring;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vm2ami.image.verdict.Verdict;
import dev.vm2ami.job.AmiDecision;
import dev.vm2ami.job.ImportJob;
import dev.vm2ami.job.TaskDecision;
import dev.vm2ami.job.TransientFailure;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ASL reads the job document by JSONPath and compares strings; the functions write it from typed
 * records and enums. These tests hold the two together: every path the ASL reads is a field of
 * {@link ImportJob}, every string it compares a field with is a name of that field's enum, and every
 * decision of the check and finish steps leads somewhere.
 */
class StateMachineReadsTheJobTest {
    private final JsonNode states = states();

    @Test
    void everyPathTheAslReadsIsAFieldOfTheJob() {
        List<String> paths = pathsRead(states);
        assertThat(paths).contains("$.task.next", "$.task.nextCheckSeconds", "$.inspection.verdict", "$.ami.next");
        for (String path : paths) assertThat(fieldType(path)).as(path).isNotNull();
    }

    @Test
    void everyStringTheAslComparesAFieldWithIsANameOfItsEnum() {
        Map<String, Set<String>> compared = comparedStrings(states);
        assertThat(compared).isNotEmpty();
        compared.forEach((path, values) -> {
            Class<?> type = fieldType(path);
            if (type.isEnum()) {
                Set<String> names = Stream.of(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()).collect(Collectors.toSet());
                assertThat(names).as(path + " (" + type.getSimpleName() + ")").containsAll(values);
            }
        });
        assertThat(fieldType("$.task.next")).isEqualTo(TaskDecision.class);
        assertThat(fieldType("$.ami.next")).isEqualTo(AmiDecision.class);
        assertThat(fieldType("$.inspection.verdict")).isEqualTo(Verdict.class);
        assertThat(NotificationAttributes.STATUSES).containsAll(compared.get("$.notification.status"));
    }

    @Test
    void decideSendsEveryTaskDecisionOnItsWayAndOnlyFailToTheNotification() {
        Map<String, String> routes = routes(states.path("Decide"), "$.task.next");
        for (TaskDecision d : TaskDecision.values()) {
            String next = routes.getOrDefault(d.name(), states.path("Decide").path("Default").asText());
            assertThat(states.has(next)).as(d + " -> " + next).isTrue();
        }
        assertThat(routes).containsEntry("WAIT", "WaitForImport").containsEntry("FINISH", "ImportPath")
                .containsEntry("CANCEL", "CancelImport").containsEntry("RETRY", "WaitBeforeRetry").doesNotContainKey("FAIL");
        assertThat(states.path("Decide").path("Default").asText()).isEqualTo("ComposeNotification");
    }

    @Test
    void aCompletedSnapshotTaskIsRegisteredOnceThenFinishedLikeAnImageTask() {
        JsonNode path = states.path("ImportPath");
        assertThat(path.path("Choices").get(0).path("Variable").asText()).isEqualTo("$.ami");
        assertThat(path.path("Choices").get(0).path("Next").asText()).isEqualTo("Finish");
        assertThat(path.path("Choices").get(1).path("StringMatches").asText())
                .isEqualTo(dev.vm2ami.image.verdict.ImportPath.SNAPSHOT.taskIdPrefix() + "*");
        assertThat(path.path("Choices").get(1).path("Next").asText()).isEqualTo("Register");
        assertThat(path.path("Default").asText()).isEqualTo("Finish");
        assertThat(states.path("Register").path("Next").asText()).isEqualTo("Finish");
        assertThat(states.path("Register").path("Parameters").path("FunctionName").asText())
                .isEqualTo("${" + PipelineFunction.REGISTER.aslPlaceholder().orElseThrow() + "}");
    }

    @Test
    void namedWaitsForThePendingCopyAndNotifiesWhenItIsDone() {
        Map<String, String> routes = routes(states.path("Named"), "$.ami.next");
        assertThat(routes).containsOnlyKeys(AmiDecision.WAIT.name()).containsEntry("WAIT", "WaitForAmi");
        assertThat(states.path("Named").path("Default").asText()).isEqualTo("ComposeNotification");
    }

    @Test
    void anAvailableAmiIsDistributedOnlyWhenTheImageAsksAndTheCopiesComeBackIntoTheJob() {
        assertThat(states.path("Named").path("Choices").get(1).path("Variable").asText()).isEqualTo("$.image.distribution");
        assertThat(states.path("Named").path("Choices").get(1).path("Next").asText()).isEqualTo("Distribute");
        JsonNode map = states.path("CopyToRegions");
        assertThat(fieldType(map.path("ItemsPath").asText())).isEqualTo(ImportJob.RegionCopy.class);
        assertThat(map.path("ResultPath").asText()).isEqualTo(map.path("ItemsPath").asText());
        assertThat(map.path("Next").asText()).isEqualTo("DisposeOfSource");
        assertThat(states.path("Distribute").path("Catch").get(0).path("Next").asText()).isEqualTo("ComposeNotification");
    }

    @Test
    void eachCopyIterationReadsFieldsOfItsCopyAndEndsWithTheCopy() {
        JsonNode iteration = states.path("CopyToRegions").path("ItemProcessor").path("States");
        List<String> paths = pathsRead(iteration);
        assertThat(paths).contains("$.copy.status", "$.copy.nextCheckSeconds", "$.copy.region");
        for (String path : paths) {
            if (!path.startsWith("$.copyFault")) assertThat(fieldType(dev.vm2ami.distribute.CopyRegionHandler.Iteration.class, path)).as(path).isNotNull();
        }
        assertThat(comparedStrings(iteration).get("$.copy.status")).containsExactly(ImportJob.RegionCopy.PENDING);
        assertThat(iteration.path("CopyDone").path("OutputPath").asText()).isEqualTo("$.copy");
        // A copy step that fails for good marks its region FAILED with the fields a RegionCopy has, and ends the iteration.
        JsonNode failed = iteration.path("CopyFailed").path("Parameters");
        assertThat(failed.path("status").asText()).isEqualTo(ImportJob.RegionCopy.FAILED);
        failed.fieldNames().forEachRemaining(f -> assertThat(fieldType(ImportJob.RegionCopy.class, "$." + f.replace(".$", "")))
                .as(f).isNotNull());
        assertThat(iteration.path("CopyImage").path("Catch").get(0).path("Next").asText()).isEqualTo("CopyFailed");
    }

    @Test
    void aRejectingVerdictSkipsTheImportAndAConvertingOneConvertsFirst() {
        assertThat(routes(states.path("Verdict"), "$.inspection.verdict")).containsExactly(
                Map.entry(Verdict.REJECT.name(), "ComposeNotification"), Map.entry(Verdict.CONVERT.name(), "ConvertEngine"));
        assertThat(states.path("ConvertInLambda").path("Next").asText()).isEqualTo("Converted");
        assertThat(routes(states.path("Converted"), "$.inspection.verdict")).containsExactly(Map.entry(Verdict.REJECT.name(), "ComposeNotification"));
        assertThat(states.path("Converted").path("Default").asText()).isEqualTo("InspectConverted");
        assertThat(states.path("InspectConverted").path("Next").asText()).as("the converted object's verdict decides as any other")
                .isEqualTo("Verdict");
    }

    @Test
    void thePlannedEngineConvertsAndAConversionTooLargeForLambdaFallsBackToBatch() {
        assertThat(routes(states.path("ConvertEngine"), "$.conversion.engine"))
                .containsExactly(Map.entry(ImportJob.Conversion.BATCH, "ConvertOnBatch"));
        assertThat(states.path("ConvertEngine").path("Default").asText()).isEqualTo("ConvertInLambda");
        JsonNode fallback = states.path("ConvertInLambda").path("Catch").get(0);
        assertThat(fallback.path("ErrorEquals").get(0).asText()).isEqualTo(dev.vm2ami.convert.TooLargeForLambda.class.getName());
        assertThat(fallback.path("Next").asText()).isEqualTo("ConvertOnBatch");
        assertThat(fieldType(fallback.path("ResultPath").asText())).isEqualTo(ImportJob.Fault.class);
        JsonNode batch = states.path("ConvertOnBatch");
        assertThat(batch.path("Resource").asText()).isEqualTo("arn:aws:states:::batch:submitJob.sync");
        assertThat(fieldType(batch.path("Parameters").path("ContainerOverrides").path("Command.$").asText())).isEqualTo(String.class);
        assertThat(fieldType(batch.path("ResultPath").asText())).isEqualTo(ImportJob.BatchJob.class);
        batch.path("ResultSelector").fieldNames().forEachRemaining(f -> assertThat(
                fieldType(ImportJob.BatchJob.class, "$." + f.replace(".$", ""))).as(f).isNotNull());
        assertThat(batch.path("Next").asText()).as("the converted object is inspected whichever engine made it")
                .isEqualTo("InspectConverted");
        assertThat(batch.path("Catch").get(0).path("Next").asText()).isEqualTo("ComposeNotification");
    }

    @Test
    void theRetriedErrorsNamedAfterVm2amiClassesAreThoseClasses() {
        Set<String> named = new LinkedHashSet<>();
        states.forEach(state -> state.path("Retry").forEach(r -> r.path("ErrorEquals").forEach(e -> {
            if (e.asText().startsWith("dev.vm2ami.")) named.add(e.asText());
        })));
        assertThat(named).containsExactly(TransientFailure.class.getName());
    }

    /** The type a JSONPath of the job leads to, walking record components; null when there is no such field. */
    static Class<?> fieldType(String path) {
        Class<?> type = ImportJob.class;
        return fieldType(ImportJob.class, path);
    }

    /** The same from another root type (the copy iterations read {@code {job, copy}}); {@code [n]} indexes a list. */
    static Class<?> fieldType(Class<?> root, String path) {
        Class<?> type = root;
        for (String name : path.substring(2).replaceAll("\\[\\d+]", "").split("\\.")) {
            if (!type.isRecord()) return Map.class.isAssignableFrom(type) ? Object.class : null;
            RecordComponent c = Arrays.stream(type.getRecordComponents()).filter(rc -> jsonName(rc).equals(name)).findFirst().orElse(null);
            if (c == null) return null;
            type = c.getGenericType() instanceof ParameterizedType p && List.class.isAssignableFrom((Class<?>) p.getRawType())
                    ? (Class<?>) p.getActualTypeArguments()[0] : elementType(c.getGenericType());
        }
        return type;
    }

    private static String jsonName(RecordComponent c) {
        JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
        return p != null ? p.value() : c.getName();
    }

    private static Class<?> elementType(Type t) {
        if (t instanceof Class<?> c) return c;
        if (t instanceof ParameterizedType p) return (Class<?>) p.getRawType();
        throw new IllegalStateException("unexpected type " + t);
    }

    /** JSONPaths the ASL reads from the state: Choice variables, SecondsPath, parameters ending in ".$". */
    static List<String> pathsRead(JsonNode states) {
        List<String> out = new ArrayList<>();
        states.forEach(state -> {
            state.path("Choices").forEach(c -> out.add(c.path("Variable").asText()));
            if (state.has("SecondsPath")) out.add(state.path("SecondsPath").asText());
            for (Iterator<Map.Entry<String, JsonNode>> it = state.path("Parameters").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                if (p.getKey().endsWith(".$") && p.getValue().asText().startsWith("$.")) out.add(p.getValue().asText());
            }
        });
        return out;
    }

    /** Choice variable -> the strings it is compared with (StringEquals). */
    static Map<String, Set<String>> comparedStrings(JsonNode states) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        states.forEach(state -> state.path("Choices").forEach(c -> {
            if (c.has("StringEquals")) {
                out.computeIfAbsent(c.path("Variable").asText(), k -> new LinkedHashSet<>()).add(c.path("StringEquals").asText());
            }
        }));
        return out;
    }

    /** A Choice state's string -> next state, for one variable. */
    static Map<String, String> routes(JsonNode choice, String variable) {
        Map<String, String> out = new LinkedHashMap<>();
        choice.path("Choices").forEach(c -> {
            if (c.path("Variable").asText().equals(variable) && c.has("StringEquals")) {
                out.put(c.path("StringEquals").asText(), c.path("Next").asText());
            }
        });
        return out;
    }

    private static JsonNode states() {
        try {
            return new ObjectMapper().readTree(StateMachineDefinition.load().template()).path("States");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
