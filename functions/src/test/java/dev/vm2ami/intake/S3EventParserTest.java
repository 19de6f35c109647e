package dev.vm2ami.intake;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3EventParserTest {

    @Test
    void readsAnS3EventNotification() throws Exception {
        S3EventParser.Parsed parsed = S3EventParser.parse(Files.readString(Path.of("events/s3/object-created-put.json")));

        assertThat(parsed.testEvent()).isFalse();
        assertThat(parsed.records()).singleElement().satisfies(r -> {
            assertThat(r.bucket()).isEqualTo("vm2ami-images-123456789012");
            assertThat(r.key()).isEqualTo("migration/wave-1/web-server-01.vmdk");
            assertThat(r.size()).isEqualTo(21474836480L);
            assertThat(r.versionId()).isEqualTo("3HL4kqtJlcpXroDTDmjVBH40Nrjfkd");
            assertThat(r.objectCreated()).isTrue();
        });
    }

    @Test
    void readsAnS3EventThatCameThroughAnSnsTopic() throws Exception {
        String s3Event = Files.readString(Path.of("events/s3/object-created-put.json"));
        String envelope = "{\"Type\":\"Notification\",\"MessageId\":\"x\",\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\",\"Message\":"
                + dev.vm2ami.job.Json.MAPPER.writeValueAsString(s3Event) + "}";

        assertThat(S3EventParser.parse(envelope).records()).singleElement()
                .satisfies(r -> assertThat(r.key()).isEqualTo("migration/wave-1/web-server-01.vmdk"));
    }

    @Test
    void plusSignsInKeysAreSpacesAndEncodedPlusSignsArePlusSigns() {
        String body = "{\"Records\":[{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"a+b%2Bc.raw\"}}}]}";

        assertThat(S3EventParser.parse(body).records().get(0).key()).isEqualTo("a b+c.raw");
    }

    @Test
    void refusesWhatIsNotAnS3EventWithAMessageThatSaysWhatItGot() {
        assertThatThrownBy(() -> S3EventParser.parse("{\"hello\":1}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither an S3 event").hasMessageContaining("hello");
        assertThatThrownBy(() -> S3EventParser.parse("not json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
    }
}
