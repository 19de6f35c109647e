package dev.vm2ami.config;

import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * SDK clients as the functions build them, once per container: the URLConnection HTTP client
 * (small, quick to start), and everything else from the standard configuration — region from
 * AWS_REGION, credentials from the execution role, endpoints from AWS_ENDPOINT_URL* when set.
 */
public final class Clients {
    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.create();

    private Clients() {}

    public static Ec2Client ec2() {
        return Ec2Client.builder().httpClient(HTTP).build();
    }

    public static S3Client s3() {
        return S3Client.builder().httpClient(HTTP).build();
    }

    public static SfnClient sfn() {
        return SfnClient.builder().httpClient(HTTP).build();
    }
}
