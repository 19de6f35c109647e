package dev.vm2ami.image.finding;

/**
 * An image whose own structure is inconsistent (a bad checksum, a table pointing nowhere). Carries
 * the finding it becomes, so the parser that noticed says which one.
 */
public class MalformedImageException extends Exception {
    private final FindingCode code;
    private final Finding finding;

    public MalformedImageException(FindingCode code, String detail) {
        super(detail);
        this.code = code;
        this.finding = code.finding(detail);
    }

    /** A finding already made (by a converter's reader, read through a {@code VirtualDisk}). */
    public MalformedImageException(Finding finding) {
        super(finding.message());
        this.code = FindingCode.valueOf(finding.code());
        this.finding = finding;
    }

    public FindingCode code() {
        return code;
    }

    public Finding finding() {
        return finding;
    }
}
