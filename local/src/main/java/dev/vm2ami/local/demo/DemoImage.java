package dev.vm2ami.local.demo;

/**
 * One sample image of the demo: what it is, how it is built, and the outcome it should get.
 *
 * @param simulate the ImportImage simulator's fault for this object (S3 object tag {@code simulate}), or null
 * @param manifest its sidecar manifest (uploaded before the image), or null
 */
public record DemoImage(String key, String description, byte[] content, String simulate, String expectedStatus, String manifest) {

    public DemoImage(String key, String description, byte[] content, String simulate, String expectedStatus) {
        this(key, description, content, simulate, expectedStatus, null);
    }

    public String fileName() {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
