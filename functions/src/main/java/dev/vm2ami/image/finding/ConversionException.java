package dev.vm2ami.image.finding;


/**
 * An image that cannot be converted, for a reason the user can act on: it carries the finding (a
 * backing file, encryption, a truncated or damaged structure) that the pipeline reports.
 */
public final class ConversionException extends Exception {
    private final transient Finding finding;

    public ConversionException(FindingCode code, Object... args) {
        this(code.finding(args));
    }

    public ConversionException(Finding finding) {
        super(finding.code() + ": " + finding.message());
        this.finding = finding;
    }

    public Finding finding() {
        return finding;
    }
}
