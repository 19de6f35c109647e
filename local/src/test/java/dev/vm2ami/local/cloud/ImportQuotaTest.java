package dev.vm2ami.local.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vm2ami.local.testing.LocalCloudConfig;
import dev.vm2ami.local.testing.LocalCloudExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

import java.time.Duration;

import static dev.vm2ami.local.cloud.ImportImageSimulatorTest.GOOD_RAW;
import static dev.vm2ami.local.cloud.ImportImageSimulatorTest.importImage;
import static dev.vm2ami.local.cloud.ImportImageSimulatorTest.upload;
import static dev.vm2ami.local.cloud.ImportImageSimulatorTest.walk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(LocalCloudExtension.class)
@LocalCloudConfig(importQuota = 2)
class ImportQuotaTest {

    @Test
    void beyondTheConcurrentTaskQuotaImportImageAnswersResourceCountLimitExceeded(LocalCloud cloud) throws Exception {
        ImportImageSimulatorTest.createBucketAndServiceRole(cloud);
        String first = importImage(upload(GOOD_RAW, null), "raw").importTaskId();
        importImage(upload(GOOD_RAW, null), "raw");

        assertThatThrownBy(() -> importImage(upload(GOOD_RAW, null), "raw"))
                .isInstanceOfSatisfying(Ec2Exception.class, e ->
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceCountLimitExceeded"));

        walk(first, Duration.ofSeconds(30));
        String third = importImage(upload(GOOD_RAW, null), "raw").importTaskId(); // a slot is free again
        walk(third, Duration.ofSeconds(30));
        JsonNode region = cloud.simulatorRecord().path("regions").elements().next();
        assertThat(region.path("maxConcurrentActive").asInt()).isEqualTo(2);
        assertThat(cloud.simulatorRecord().path("rejectedForQuota").asInt()).isEqualTo(1);
    }
}
