package dev.vm2ami.image.verdict;

/** What pre-flight inspection says of an image. */
public enum Verdict {
    /** Nothing found that EC2 VM import would fail on. */
    ACCEPT,
    /** Importable, with a risk worth fixing. */
    WARN,
    /** EC2 VM import would fail: the pipeline does not call ImportImage. */
    REJECT,
    /**
     * EC2 does not take the image as it is, but vm2ami converts it (qcow2, VDI, a sparse or split
     * VMDK, a compressed image) and imports the result; nothing found that the conversion or the
     * import would fail on.
     */
    CONVERT
}
