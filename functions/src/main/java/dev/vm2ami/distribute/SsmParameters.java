package dev.vm2ami.distribute;

import dev.vm2ami.job.PermissionDenied;
import dev.vm2ami.job.TransientFailure;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

import java.util.function.Function;

/** {@link Parameters} over SSM, one client per region. */
public final class SsmParameters implements Parameters {
    private final Function<String, SsmClient> clients;

    public SsmParameters(Function<String, SsmClient> clients) {
        this.clients = clients;
    }

    @Override
    public void putImageId(String region, String name, String imageId) {
        try {
            clients.apply(region).putParameter(r -> r.name(name).value(imageId).type(ParameterType.STRING)
                    .dataType("aws:ec2:image").overwrite(true)
                    .description("vm2ami: the AMI of the latest image published under this name"));
        } catch (AwsServiceException e) {
            if (e.isThrottlingException() || e.statusCode() >= 500) {
                throw new TransientFailure("PutParameter " + name + " in " + region + " failed: " + e.getMessage(), e);
            }
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (PermissionDenied.isDenial(code, e.statusCode())) throw PermissionDenied.of("ssm:PutParameter", name, e.getMessage(), e);
            throw new RegionalImages.CopyRefused("PutParameter " + name + " in " + region + " was refused: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new TransientFailure("PutParameter " + name + " in " + region + " failed: " + e.getMessage(), e);
        }
    }
}
