package dev.vm2ami.local.demo;

/**
 * One sample image of the demo: what it is, how it is built, and the outcome it should get.
 *
 * @param simulate the ImportImage simulator's fault for this object (S3 object tag {@code simulate}), or null
 */
public record DemoImage(String key, String description, byte[] content, String simulate, String expectedStatus) {

    public String fileName() {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
