package dev.vm2ami.image.finding;

/**
 * An image whose own structure is inconsistent (a bad checksum, a table pointing nowhere). Carries
 * the finding it becomes, so the parser that noticed says which one.
 */
public class MalformedImageException extends Exception {
    private final FindingCode code;

    public MalformedImageException(FindingCode code, String detail) {
        super(detail);
        this.code = code;
    }

    public FindingCode code() {
        return code;
    }

    public Finding finding() {
        return code.finding(getMessage());
    }
}
