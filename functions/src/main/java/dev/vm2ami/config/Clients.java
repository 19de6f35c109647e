package dev.vm2ami.config;

import dev.vm2ami.priming.PrimingHttpClient;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * SDK clients as the functions build them, once per container: the URLConnection HTTP client
 * (small, quick to start), and everything else from the standard configuration — region from
 * AWS_REGION, credentials from the execution role, endpoints from AWS_ENDPOINT_URL* when set.
 * While a handler primes for SnapStart, the HTTP client answers on its own ({@link PrimingHttpClient}).
 */
public final class Clients {
    private static final SdkHttpClient HTTP = PrimingHttpClient.wrap(UrlConnectionHttpClient.create());

    private Clients() {}

    public static Ec2Client ec2() {
        return Ec2Client.builder().httpClient(HTTP).build();
    }

    /** EC2 in another region (distribution's copies), otherwise configured as {@link #ec2()}. */
    public static Ec2Client ec2(String region) {
        return Ec2Client.builder().httpClient(HTTP).region(Region.of(region)).build();
    }

    public static SsmClient ssm(String region) {
        return SsmClient.builder().httpClient(HTTP).region(Region.of(region)).build();
    }

    /** The function's own region (AWS_REGION), as the SDK reads it. */
    public static String region() {
        return new software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain().getRegion().id();
    }

    public static S3Client s3() {
        return S3Client.builder().httpClient(HTTP).build();
    }

    public static EventBridgeClient eventBridge() {
        return EventBridgeClient.builder().httpClient(HTTP).build();
    }

    public static SfnClient sfn() {
        return SfnClient.builder().httpClient(HTTP).build();
    }
}
