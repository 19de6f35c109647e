package dev.vm2ami.ami;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class AmiNamesTest {
    final Instant at = Instant.parse("2026-11-23T10:04:05Z");

    @Test
    void rendersTheTemplateFromTheKeyAndTheTime() {
        assertThat(AmiNames.render("{stem}-{date}-{time}", "wave-1/web-01.vmdk", "v1", at)).isEqualTo("web-01-20261123-100405");
        assertThat(AmiNames.render("{key} ({version})", "wave-1/web-01.vmdk", "v1", at)).isEqualTo("wave-1/web-01.vmdk (v1)");
    }

    @Test
    void keepsOnlyCharactersEc2TakesInAnAmiName() {
        assertThat(AmiNames.render("{stem}", "été ✓ disk.raw", null, at)).isEqualTo("t-disk")
                .matches("[A-Za-z0-9()\\[\\] ./'@_-]{3,128}");
    }

    @Test
    void isThreeTo128CharactersLong() {
        assertThat(AmiNames.sanitize("a")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(AmiNames.sanitize("n".repeat(300))).hasSize(128);
        assertThat(AmiNames.withSuffix("n".repeat(128), "abcd1234")).hasSize(128).endsWith("-abcd1234");
    }
}
