package dev.vm2ami.importtask;

import dev.vm2ami.job.FailureCategory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The failure messages of the import walkthrough and the user guide's troubleshooting tables, classified. */
class FailureCatalogTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ClientError: Unknown OS / Missing OS files.|CLIENT_ERROR",
            "ClientError: No valid partitions. Not a valid volume.|CLIENT_ERROR",
            "ClientError: Unsupported kernel version 3.16.0-4-686-pae|CLIENT_ERROR",
            "ClientError: Disk validation failed [Unsupported OVA format]|CLIENT_ERROR",
            "ClientError: Disk validation failed [Unsupported VMDK File Format]|CLIENT_ERROR",
            "ClientError: Footers not identical|CLIENT_ERROR",
            "ClientError: Uncompressed data has invalid length|CLIENT_ERROR",
            "ClientError: Invalid configuration - Could not read fstab|CLIENT_ERROR",
            "ClientError: Unsupported configuration - Logical volume group activation failed|CLIENT_ERROR",
            "ClientError: Unsupported configuration - Multiple directories found|CLIENT_ERROR",
            "InvalidParameter: Parameter disk-image-size=0 has an invalid format|CLIENT_ERROR",
            "ERROR: Bucket my-bucket is not in the us-east-1 Region, it's in eu-west-1|CLIENT_ERROR",
            "ServerError: an internal error has occurred during conversion.|SERVER_ERROR",
            "The service role <vmimport> does not exist or does not have sufficient permissions for the service to continue|PERMISSIONS",
            "ResourceCountLimitExceeded: You have reached the maximum number of active import image tasks|QUOTA",
            "User initiated task cancellation|CANCELLED",
            "ClientError: something AWS has not said before|CLIENT_ERROR",
            "Something odd happened|SERVER_ERROR"})
    void classifiesWhatAwsSays(String message, FailureCategory category) {
        FailureCatalog.Classification c = FailureCatalog.classify(message);

        assertThat(c.category()).isEqualTo(category);
        assertThat(c.awsMessage()).isEqualTo(message);
        assertThat(c.summary()).isNotBlank();
        assertThat(c.hint()).hasSizeGreaterThan(30);
    }

    @Test
    void everyEntryHasASummaryAndAnActionableHint() {
        for (FailureCatalog.Entry e : FailureCatalog.ENTRIES) {
            assertThat(e.summary()).as(e.fragment()).endsWith(".");
            assertThat(e.hint()).as(e.fragment()).hasSizeGreaterThan(40);
        }
    }

    @Test
    void onlyTransientCategoriesAreRetried() {
        assertThat(FailureCategory.SERVER_ERROR.retryable()).isTrue();
        assertThat(FailureCategory.STUCK.retryable()).isTrue();
        assertThat(FailureCategory.CLIENT_ERROR.retryable()).isFalse();
        assertThat(FailureCategory.PERMISSIONS.retryable()).isFalse();
        assertThat(FailureCategory.TIMEOUT.retryable()).isFalse();
    }
}
