package dev.vm2ami.image.finding;

import dev.vm2ami.image.container.DiskFormat;
import dev.vm2ami.image.verdict.InspectionReport;
import dev.vm2ami.image.verdict.Verdict;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class FindingCodeTest {

    @Test
    void everyCodeSaysWhatIsWrongAndWhatToDo() {
        assertThat(FindingCode.values()).allSatisfy(code -> {
            assertThat(code.messageTemplate()).as(code.name()).hasSizeGreaterThan(20).matches("(?s).*[.']$");
            assertThat(code.fixTemplate()).as(code.name()).isNotBlank();
            assertThat(code.severity()).as(code.name()).isNotNull();
        });
    }

    @Test
    void fillsMessageAndFixFromTheSameArguments() {
        Finding f = FindingCode.EXTENSION_MISMATCH.finding(".vhd (VHD)", DiskFormat.VHDX, "vhdx");

        assertThat(f.code()).isEqualTo("EXTENSION_MISMATCH");
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.message()).isEqualTo("The name says .vhd (VHD) but the content is VHDX.");
        assertThat(f.fix()).startsWith("Rename the file to end in .vhdx; vm2ami imports it as VHDX");
    }

    @Test
    void rejectsOnlyForErrors() {
        assertThat(Arrays.stream(FindingCode.values()).filter(c -> c.severity() == Severity.ERROR))
                .contains(FindingCode.NO_PARTITION_TABLE, FindingCode.VMDK_NOT_STREAM_OPTIMIZED, FindingCode.OVA_TOO_MANY_DISKS);
        assertThat(InspectionReport.verdictOf(java.util.List.of(FindingCode.EXTENSION_MISMATCH.finding("a", "b", "c"))))
                .isEqualTo(Verdict.WARN);
        assertThat(InspectionReport.verdictOf(java.util.List.of())).isEqualTo(Verdict.ACCEPT);
    }
}
