package dev.vm2ami.image.verdict;

/** What pre-flight inspection says of an image. */
public enum Verdict {
    /** Nothing found that EC2 VM import would fail on. */
    ACCEPT,
    /** Importable, with a risk worth fixing. */
    WARN,
    /** EC2 VM import would fail: the pipeline does not call ImportImage. */
    REJECT
}
