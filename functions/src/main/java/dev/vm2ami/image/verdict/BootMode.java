package dev.vm2ami.image.verdict;

import java.util.Locale;
import java.util.Optional;

/** ImportImage's --boot-mode. */
public enum BootMode {
    LEGACY_BIOS("legacy-bios"), UEFI("uefi");

    private final String value;

    BootMode(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<BootMode> parse(String value) {
        if (value == null || value.isBlank()) return Optional.empty();
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (BootMode m : values()) if (m.value.equals(v)) return Optional.of(m);
        throw new IllegalArgumentException("boot mode must be legacy-bios or uefi, was '" + value + "'");
    }
}
