package dev.vm2ami.distribute;

import dev.vm2ami.config.Clients;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** SDK clients per region, built once per container and region. */
final class Regions {
    private static final Map<String, RegionalImages> IMAGES = new ConcurrentHashMap<>();
    private static final Map<String, SsmClient> SSM = new ConcurrentHashMap<>();

    private Regions() {}

    static Function<String, RegionalImages> images() {
        return region -> IMAGES.computeIfAbsent(region, r -> new Ec2RegionalImages(Clients.sync(Ec2Client.builder(), r)));
    }

    static Function<String, SsmClient> ssm() {
        return region -> SSM.computeIfAbsent(region, r -> Clients.sync(SsmClient.builder(), r));
    }
}
