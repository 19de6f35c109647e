package dev.vm2ami.image.convert;

/** What an image is converted to. */
public enum Target {
    /** Stream-optimized VMDK: what ImportImage takes, deflated, unallocated grains left out. */
    VMDK("stream-optimized VMDK", "vmdk"),
    /** The plain disk, every byte: what ImportSnapshot's raw path needs. */
    RAW("raw", "raw");

    private final String label;
    private final String extension;

    Target(String label, String extension) {
        this.label = label;
        this.extension = extension;
    }

    public String label() {
        return label;
    }

    /** The file extension, which is also ImportImage's and ImportSnapshot's format name. */
    public String extension() {
        return extension;
    }
}
