package dev.vm2ami.local.cli;

import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import java.net.URI;
import java.time.Duration;

/**
 * Where the commands that read a deployed pipeline go: a real account (the SDK's default credentials
 * and region, or a named profile) or any endpoint that speaks the AWS APIs (the local cloud).
 */
final class AccountOptions {
    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "Send every request to this endpoint (e.g. the local cloud's, from ./vm2ami up) instead of AWS's.")
    URI endpointUrl;

    @Option(names = "--region", description = "AWS region (default: the SDK's: AWS_REGION, then the profile's region).")
    String region;

    @Option(names = "--profile", description = "Named profile from ~/.aws/config and ~/.aws/credentials (default: the SDK's default credentials).")
    String profile;

    /** A client builder pointed at the account: credentials, region, endpoint, and a small HTTP client. */
    <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
        builder.credentialsProvider(credentials()).region(region());
        if (endpointUrl != null) builder.endpointOverride(endpointUrl);
        if (builder instanceof SdkSyncClientBuilder<?, ?> sync) {
            sync.httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(1)));
        }
        return builder;
    }

    Region region() {
        if (region != null) return Region.of(region);
        DefaultAwsRegionProviderChain.Builder chain = DefaultAwsRegionProviderChain.builder();
        if (profile != null) chain.profileName(profile);
        return chain.build().getRegion();
    }

    private AwsCredentialsProvider credentials() {
        AwsCredentialsProvider chain = profile != null ? ProfileCredentialsProvider.create(profile)
                : DefaultCredentialsProvider.builder().build();
        return () -> {
            try {
                return chain.resolveCredentials();
            } catch (SdkClientException e) { // its message lists every provider tried, at length
                throw new IllegalStateException(profile != null ? "no credentials for profile '" + profile + "'"
                        : "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use --profile "
                        + "(the local cloud takes any key)");
            }
        };
    }
}
