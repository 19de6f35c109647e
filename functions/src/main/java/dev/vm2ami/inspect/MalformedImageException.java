package dev.vm2ami.inspect;

/**
 * An image whose own structure is inconsistent (a bad checksum, a table pointing nowhere). Carries
 * the finding it becomes, so the parser that noticed says which one.
 */
class MalformedImageException extends Exception {
    private final FindingCode code;

    MalformedImageException(FindingCode code, String detail) {
        super(detail);
        this.code = code;
    }

    FindingCode code() {
        return code;
    }

    Finding finding() {
        return code.finding(getMessage());
    }
}
