package dev.vm2ami.intake;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExecutionNamesTest {
    static S3EventRecord record(String key, String versionId, String sequencer) {
        return new S3EventRecord("ObjectCreated:Put", null, "us-east-1", "bucket", key, 1L, "etag", versionId, sequencer);
    }

    @Test
    void theSameObjectVersionAlwaysGetsTheSameName() {
        assertThat(ExecutionNames.forObject(record("a/disk.vmdk", "v1", "01")))
                .isEqualTo(ExecutionNames.forObject(record("a/disk.vmdk", "v1", "01")));
    }

    @Test
    void anotherVersionOfTheSameKeyGetsAnotherName() {
        assertThat(ExecutionNames.forObject(record("a/disk.vmdk", "v1", "01")))
                .isNotEqualTo(ExecutionNames.forObject(record("a/disk.vmdk", "v2", "02")));
    }

    @Test
    void withoutVersioningTheSequencerTellsUploadsOfTheSameKeyApart() {
        assertThat(ExecutionNames.forObject(record("a/disk.vmdk", null, "01")))
                .isNotEqualTo(ExecutionNames.forObject(record("a/disk.vmdk", null, "02")));
    }

    @Test
    void namesAreValidStepFunctionsNamesWhateverTheKey() {
        String longUnicode = "é".repeat(300) + "/" + "ü x".repeat(200) + ".raw";

        assertThat(ExecutionNames.forObject(record(longUnicode, "v", null))).matches("[A-Za-z0-9_-]{1,80}");
        assertThat(ExecutionNames.forObject(record("///", "v", null))).matches("image-[0-9a-f]{24}");
    }
}
