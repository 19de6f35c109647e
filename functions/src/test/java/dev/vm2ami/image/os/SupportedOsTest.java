package dev.vm2ami.image.os;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The user guide's supported-OS tables, as data, and how an OS found on an image compares with them. */
class SupportedOsTest {
    @Test
    void aListedDistributionVersionAndKernelIsListed() {
        SupportedOs.Match m = SupportedOs.linux("ubuntu", "22.04", List.of("5.15.0-91-generic"));
        assertThat(m.status()).isEqualTo(SupportedOs.Status.LISTED);
        assertThat(m.quote()).isEqualTo("Ubuntu 22.04 (kernel 5.15)");
    }

    @Test
    void aMajorVersionMatchesTheRowOfItsMinors() {
        assertThat(SupportedOs.linux("centos", "7", List.of("3.10.0-1160.el7.x86_64")).status()).isEqualTo(SupportedOs.Status.LISTED);
        assertThat(SupportedOs.linux("centos", "7.9.2009", List.of("3.10.0-1160.el7.x86_64")).status()).isEqualTo(SupportedOs.Status.LISTED);
        assertThat(SupportedOs.linux("rhel", "8.6", List.of("4.18.0-372.9.1.el8.x86_64")).status()).isEqualTo(SupportedOs.Status.LISTED);
    }

    @Test
    void theNewestKernelIsTheOneCompared() {
        SupportedOs.Match m = SupportedOs.linux("ubuntu", "22.04", List.of("5.15.0-91-generic", "6.5.0-14-generic"));
        assertThat(m.status()).isEqualTo(SupportedOs.Status.KERNEL_NOT_LISTED);
        assertThat(m.kernel()).isEqualTo("6.5.0-14-generic");
    }

    @Test
    void kernelPrefixesStopAtAComponentBoundary() {
        assertThat(SupportedOs.prefixOf("5.15", "5.15.0-91-generic")).isTrue();
        assertThat(SupportedOs.prefixOf("5.1", "5.15.0")).isFalse();
        assertThat(SupportedOs.linux("ol", "5.11", List.of("2.6.39-400.el5uek")).status()).as("Oracle's UEK suffix").isEqualTo(SupportedOs.Status.LISTED);
    }

    @Test
    void newerReleasesAreOutsideTheTableAndQuoteItsRows() {
        SupportedOs.Match m = SupportedOs.linux("debian", "12.4", List.of("6.1.0-18-amd64"));
        assertThat(m.status()).isEqualTo(SupportedOs.Status.VERSION_NOT_LISTED);
        assertThat(m.quote()).isEqualTo("Debian 6.0.0–6.0.8 (kernel 2.6.32); Debian 7.0.0–7.8.0 (kernel 3.2)");
    }

    @Test
    void aDistributionVmImportDoesNotKnowIsNotListedAtAll() {
        assertThat(SupportedOs.linux("alpine", "3.19.1", List.of("6.6.14-0-virt")).status()).isEqualTo(SupportedOs.Status.NOT_LISTED);
        assertThat(SupportedOs.knownDistribution("alpine")).isFalse();
        assertThat(SupportedOs.knownDistribution("sles")).isTrue();
    }

    @Test
    void windowsRowsByProductNameWithWindows11ToldByItsBuild() {
        assertThat(SupportedOs.windows("Windows Server 2008 R2 Standard", "7601")).map(SupportedOs.WindowsRow::product).contains("Windows Server 2008 R2");
        assertThat(SupportedOs.windows("Windows Server 2019 Datacenter", "17763")).map(SupportedOs.WindowsRow::product).contains("Windows Server 2019");
        assertThat(SupportedOs.windows("Windows 10 Pro", "19045")).map(SupportedOs.WindowsRow::product).contains("Windows 10");
        assertThat(SupportedOs.windows("Windows 10 Pro", "22631")).map(SupportedOs.WindowsRow::product).contains("Windows 11");
        assertThat(SupportedOs.windows("Windows 8.1 Pro", "9600")).map(SupportedOs.WindowsRow::product).contains("Windows 8.1");
        assertThat(SupportedOs.windows("Windows Server 2022 Datacenter", "20348")).isEmpty();
    }

    @Test
    void kernelVersionsSortAsPeopleReadThem() {
        assertThat(List.of("6.1.0-18", "5.15.0-91", "5.4.0-150", "5.15.0-101").stream().sorted(SupportedOs.VERSION_ORDER).toList())
                .containsExactly("5.4.0-150", "5.15.0-91", "5.15.0-101", "6.1.0-18");
    }
}
