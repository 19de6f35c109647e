package dev.vm2ami.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.image.verdict.Verdict;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The typed job document reads and writes the JSON the state machine carries, unchanged. */
class JobDocumentJsonTest {

    @Test
    void everyJobFixtureSurvivesARoundTripUnchanged() throws IOException {
        File[] fixtures = new File("events/jobs").listFiles((dir, name) -> name.endsWith(".json"));
        assertThat(fixtures).isNotEmpty();
        Arrays.sort(fixtures);
        for (File f : fixtures) {
            JsonNode original = Json.MAPPER.readTree(f);
            JsonNode written = Json.MAPPER.valueToTree(Json.MAPPER.readValue(f, ImportJob.class));
            assertContains(f.getName(), "$", original, written);
        }
    }

    @Test
    void decisionsVerdictsAndCategoriesAreWrittenAsTheirNames() {
        ImportJob.TaskStatus task = new ImportJob.TaskStatus("import-ami-1", "active", null, null, null, null, null, null,
                TaskDecision.RETRY, 5, null, null, 0, 0);
        ImportJob.AmiResult ami = new ImportJob.AmiResult("ami-1", "n", "us-east-1", null, null, AmiDecision.DONE, 0);
        ImportJob.Failure failure = new ImportJob.Failure(FailureCategory.QUOTA, "m", "h", null);
        ImportJob.Inspection inspection = new ImportJob.Inspection(Verdict.WARN, "RAW", null, null, 0, 0, null, null, null, false);

        assertThat(Json.MAPPER.valueToTree(task).path("next").asText()).isEqualTo("RETRY");
        assertThat(Json.MAPPER.valueToTree(ami).path("next").asText()).isEqualTo("DONE");
        assertThat(Json.MAPPER.valueToTree(failure).path("category").asText()).isEqualTo("QUOTA");
        assertThat(Json.MAPPER.valueToTree(inspection).path("verdict").asText()).isEqualTo("WARN");
    }

    /** Every value of {@code expected} is in {@code actual} as it was (the writer may add defaults, e.g. empty lists). */
    private static void assertContains(String file, String path, JsonNode expected, JsonNode actual) {
        if (expected.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                assertThat(actual.has(e.getKey())).as(file + " " + path + "." + e.getKey()).isTrue();
                assertContains(file, path + "." + e.getKey(), e.getValue(), actual.get(e.getKey()));
            }
        } else if (expected.isArray()) {
            assertThat(actual.size()).as(file + " " + path).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) assertContains(file, path + "[" + i + "]", expected.get(i), actual.get(i));
        } else if (expected.isNumber()) { // 1073741824 is read as an int, written from a Long
            assertThat(actual.isNumber()).as(file + " " + path).isTrue();
            assertThat(actual.decimalValue()).as(file + " " + path).isEqualByComparingTo(expected.decimalValue());
        } else {
            assertThat(actual).as(file + " " + path).isEqualTo(expected);
        }
    }
}
