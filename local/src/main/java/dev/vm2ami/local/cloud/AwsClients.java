package dev.vm2ami.local.cloud;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** SDK clients for one AWS endpoint (the local cloud's), built on first use and closed together. */
public final class AwsClients implements AutoCloseable {
    private final URI endpoint;
    private final Region region;
    private final StaticCredentialsProvider credentials;
    private final SdkHttpClient http = UrlConnectionHttpClient.builder()
            .socketTimeout(Duration.ofMinutes(2)).build();
    private final List<SdkClient> built = new CopyOnWriteArrayList<>();

    private final Supplier<S3Client> s3;
    private final Supplier<SqsClient> sqs;
    private final Supplier<SnsClient> sns;
    private final Supplier<SfnClient> sfn;
    private final Supplier<Ec2Client> ec2;
    private final Supplier<IamClient> iam;
    private final Supplier<LambdaClient> lambda;

    AwsClients(URI endpoint, String region, String accessKey, String secretKey) {
        this.endpoint = endpoint;
        this.region = Region.of(region);
        this.credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
        s3 = once(() -> configure(S3Client.builder().forcePathStyle(true)).build());
        sqs = once(() -> configure(SqsClient.builder()).build());
        sns = once(() -> configure(SnsClient.builder()).build());
        sfn = once(() -> configure(SfnClient.builder()).build());
        ec2 = once(() -> configure(Ec2Client.builder()).build());
        iam = once(() -> configure(IamClient.builder()).build());
        lambda = once(() -> configure(LambdaClient.builder()).build());
    }

    public S3Client s3() { return s3.get(); }
    public SqsClient sqs() { return sqs.get(); }
    public SnsClient sns() { return sns.get(); }
    public SfnClient sfn() { return sfn.get(); }
    public Ec2Client ec2() { return ec2.get(); }
    public IamClient iam() { return iam.get(); }
    public LambdaClient lambda() { return lambda.get(); }

    /** EC2 of another region at the same endpoint (moto keeps regions apart), e.g. where copies go. */
    public Ec2Client ec2(String otherRegion) {
        return track(Ec2Client.builder().endpointOverride(endpoint).region(Region.of(otherRegion))
                .credentialsProvider(credentials).httpClient(http).build());
    }

    public software.amazon.awssdk.services.ssm.SsmClient ssm(String inRegion) {
        return track(software.amazon.awssdk.services.ssm.SsmClient.builder().endpointOverride(endpoint)
                .region(Region.of(inRegion)).credentialsProvider(credentials).httpClient(http).build());
    }

    private <T extends SdkClient> T track(T client) {
        built.add(client);
        return client;
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
        builder.endpointOverride(endpoint).region(region).credentialsProvider(credentials);
        if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
            sync.httpClient(http);
        }
        return builder;
    }

    private <T extends SdkClient> Supplier<T> once(Supplier<T> factory) {
        return new Supplier<>() {
            private volatile T client;

            @Override
            public T get() {
                T c = client;
                if (c == null) {
                    synchronized (this) {
                        if (client == null) {
                            client = factory.get();
                            built.add(client);
                        }
                        c = client;
                    }
                }
                return c;
            }
        };
    }

    @Override
    public void close() {
        built.forEach(SdkClient::close);
        http.close();
    }
}
