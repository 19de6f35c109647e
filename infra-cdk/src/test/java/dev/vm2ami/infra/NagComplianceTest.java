package dev.vm2ami.infra;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** cdk-nag's AWS Solutions rules run on every synth; nothing may be left that is not justified. */
class NagComplianceTest {
    static Stream<Synthesized> stacks() {
        return Stream.of(Synthesized.defaults(), Synthesized.withOptions(), Synthesized.inAccount());
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void leavesNoUnsuppressedFinding(Synthesized synthesized) {
        assertThat(describe(synthesized.annotations().findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))).isEmpty();
        assertThat(describe(synthesized.annotations().findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void leavesNoWarningOfAnyKind(Synthesized synthesized) {
        assertThat(describe(synthesized.annotations().findWarning("*", Match.anyValue()))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void justifiesEverySuppressionInWords(Synthesized synthesized) {
        List<Map<String, Object>> suppressions = suppressions(synthesized);
        assertThat(suppressions).isNotEmpty().allSatisfy(s -> assertThat((String) s.get("reason")).hasSizeGreaterThan(40));
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void suppressesWildcardFindingsOnlyForTheWildcardsNamed(Synthesized synthesized) {
        assertThat(suppressions(synthesized)).filteredOn(s -> "AwsSolutions-IAM5".equals(s.get("id")))
                .isNotEmpty().allSatisfy(s -> assertThat((List<?>) s.get("applies_to")).isNotEmpty());
    }

    @Test
    void acceptsNoAccessLogsOrErrorOnlyLoggingOnlyWhenTheOperatorChoseThem() {
        assertThat(suppressions(Synthesized.defaults())).extracting(s -> s.get("id"))
                .doesNotContain("AwsSolutions-S1", "AwsSolutions-SF1");
        assertThat(suppressions(Synthesized.withOptions())).extracting(s -> s.get("id"))
                .contains("AwsSolutions-S1", "AwsSolutions-SF1");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> suppressions(Synthesized synthesized) {
        List<Map<String, Object>> out = new ArrayList<>();
        ((Map<String, Object>) synthesized.json().get("Resources")).values().forEach(r -> {
            Map<String, Object> metadata = (Map<String, Object>) ((Map<String, Object>) r).getOrDefault("Metadata", Map.of());
            Map<String, Object> nag = (Map<String, Object>) metadata.getOrDefault("cdk_nag", Map.of());
            out.addAll((List<Map<String, Object>>) nag.getOrDefault("rules_to_suppress", List.of()));
        });
        return out;
    }

    private static List<String> describe(List<SynthesisMessage> messages) {
        return messages.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList();
    }
}
