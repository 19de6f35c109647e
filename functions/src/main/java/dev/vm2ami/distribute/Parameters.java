package dev.vm2ami.distribute;

/** SSM parameters that name an AMI, per region; {@link SsmParameters} is the real one. */
public interface Parameters {
    /** PutParameter (data type aws:ec2:image, overwriting) in the region. */
    void putImageId(String region, String name, String imageId);
}
