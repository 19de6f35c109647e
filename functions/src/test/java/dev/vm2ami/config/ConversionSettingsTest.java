package dev.vm2ami.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConversionSettingsTest {
    @Test
    void travelsThroughTheEnvironmentAndDefaultsWhenAbsent() {
        ConversionSettings s = new ConversionSettings("out/converted/", 1_000_000);

        assertThat(ConversionSettings.fromEnvironment(s.toEnvironment())).isEqualTo(s);
        assertThat(ConversionSettings.fromEnvironment(Map.of())).isEqualTo(ConversionSettings.defaults());
        assertThat(ConversionSettings.defaults().convertedPrefix()).isEqualTo("converted/");
    }

    @Test
    void thePrefixIsAFolderAndTheLimitNotNegative() {
        assertThatThrownBy(() -> new ConversionSettings("", 1)).hasMessageContaining("VM2AMI_CONVERTED_PREFIX");
        assertThatThrownBy(() -> new ConversionSettings("converted", 1)).hasMessageContaining("ending in /");
        assertThatThrownBy(() -> new ConversionSettings("/converted/", 1)).hasMessageContaining("no leading /");
        assertThatThrownBy(() -> new ConversionSettings("converted/", -1)).hasMessageContaining("at least 0");
        assertThatThrownBy(() -> ConversionSettings.fromEnvironment(Map.of("VM2AMI_CONVERSION_LAMBDA_MAX_BYTES", "lots")))
                .hasMessageContaining("whole number");
    }

    @Test
    void recognisesConvertedKeys() {
        assertThat(ConversionSettings.defaults().isConverted("converted/kvm/web.qcow2.vmdk")).isTrue();
        assertThat(ConversionSettings.defaults().isConverted("kvm/converted/web.vmdk")).isFalse();
    }
}
