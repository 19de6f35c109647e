package dev.vm2ami.config;

import dev.vm2ami.priming.PrimingHttpClient;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * SDK clients as the functions build them, once per container: the URLConnection HTTP client
 * (small, quick to start), and everything else from the standard configuration — region from
 * AWS_REGION, credentials from the execution role, endpoints from AWS_ENDPOINT_URL* when set.
 * <p>
 * This class names no service: each function's zip carries only the SDK services its handler
 * uses (the start function has no EC2 SDK), so the service is the caller's, e.g.
 * {@code Clients.sync(SfnClient.builder())}. While a handler primes for SnapStart, the HTTP client answers
 * on its own ({@link PrimingHttpClient}).
 */
public final class Clients {
    private static final SdkHttpClient HTTP = PrimingHttpClient.wrap(UrlConnectionHttpClient.create());

    private Clients() {}

    /** The client the builder makes, with the shared HTTP client. */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C sync(B builder) {
        return builder.httpClient(HTTP).build();
    }

    /** The client the builder makes for another region (distribution's copies), otherwise as {@link #sync}. */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C sync(B builder, String region) {
        return builder.httpClient(HTTP).region(Region.of(region)).build();
    }

    /** The function's own region (AWS_REGION), as the SDK reads it. */
    public static String region() {
        return new software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain().getRegion().id();
    }
}
