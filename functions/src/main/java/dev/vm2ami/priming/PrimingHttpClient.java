package dev.vm2ami.priming;

import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The functions' HTTP client: the real one, except on a thread that is priming ({@link Primer}),
 * where every request is answered here with a 400 error in the request's protocol (JSON for SFN,
 * SSM and EventBridge, EC2's query XML, S3's REST XML) and error code {@value #ERROR_CODE}. The SDK
 * does not retry that code, so a primed call costs no backoff, and its request and response paths
 * (marshalling, signing, error unmarshalling) run as they would for AWS.
 */
public final class PrimingHttpClient implements SdkHttpClient {
    /** The error code of every answer given while priming. */
    public static final String ERROR_CODE = "Vm2amiPrimingAnswer";
    /** The request id of every answer given while priming: the SDK puts it in its exceptions' messages. */
    public static final String REQUEST_ID = "vm2ami-priming";
    private static final String MESSAGE = "answered inside the function while priming for SnapStart; nothing was sent";

    private final SdkHttpClient delegate;

    private PrimingHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    public static SdkHttpClient wrap(SdkHttpClient delegate) {
        return new PrimingHttpClient(delegate);
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        if (!Primer.primingOnThisThread()) return delegate.prepareRequest(request);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                Primer.countAnswered();
                return answer(request);
            }

            @Override
            public void abort() {
                // nothing in flight
            }
        };
    }

    static HttpExecuteResponse answer(HttpExecuteRequest request) {
        String contentType = request.httpRequest().firstMatchingHeader("Content-Type").orElse("");
        String body;
        String type;
        if (contentType.startsWith("application/x-amz-json")) {
            type = "application/x-amz-json-1.1";
            body = "{\"__type\":\"" + ERROR_CODE + "\",\"message\":\"" + MESSAGE + "\"}";
        } else if (contentType.startsWith("application/x-www-form-urlencoded")) { // EC2's query protocol
            type = "text/xml";
            body = "<Response><Errors><Error><Code>" + ERROR_CODE + "</Code><Message>" + MESSAGE
                    + "</Message></Error></Errors><RequestID>" + REQUEST_ID + "</RequestID></Response>";
        } else { // S3's REST XML
            type = "application/xml";
            body = "<Error><Code>" + ERROR_CODE + "</Code><Message>" + MESSAGE + "</Message><RequestId>" + REQUEST_ID + "</RequestId></Error>";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        SdkHttpResponse response = SdkHttpResponse.builder().statusCode(400)
                .putHeader("Content-Type", type)
                .putHeader("Content-Length", Integer.toString(bytes.length))
                .putHeader("x-amzn-ErrorType", ERROR_CODE)
                .putHeader("x-amzn-RequestId", REQUEST_ID)
                .putHeader("x-amz-request-id", REQUEST_ID)
                .build();
        return HttpExecuteResponse.builder().response(response)
                .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes))).build();
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
