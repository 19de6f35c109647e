package dev.vm2ami.local.testing;

import dev.vm2ami.local.cloud.LocalCloud;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * STS AssumeRole against the local cloud's endpoint (the SDK's STS module is not on the package mirror
 * at the SDK version used, so this is the Query API call itself), for tests that act as a role.
 */
public final class AssumedRoles {
    private AssumedRoles() {}

    public static StaticCredentialsProvider assume(LocalCloud cloud, String roleArn, String sessionName) {
        String body = "Action=AssumeRole&Version=2011-06-15&RoleArn=" + URLEncoder.encode(roleArn, StandardCharsets.UTF_8)
                + "&RoleSessionName=" + URLEncoder.encode(sessionName, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(cloud.endpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/" + cloud.region()
                        + "/sts/aws4_request, SignedHeaders=host, Signature=test")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) throw new IllegalStateException("AssumeRole answered " + response.body());
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(
                    field(response.body(), "AccessKeyId"), field(response.body(), "SecretAccessKey"),
                    field(response.body(), "SessionToken")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String field(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]+)</" + name + ">").matcher(xml);
        if (!m.find()) throw new IllegalStateException("no " + name + " in " + xml);
        return m.group(1);
    }
}
