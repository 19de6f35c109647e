package dev.vm2ami.image.read;

/**
 * An on-disk structure that cannot be read: damaged ({@link Kind#CORRUPT}), using a feature these
 * read-only readers do not implement ({@link Kind#UNSUPPORTED}), or larger or deeper than they
 * are willing to follow ({@link Kind#LIMIT}). Checked, so that every caller decides what it
 * becomes (the inspection turns it into a finding); the readers never let an unchecked exception,
 * a hang or an unbounded allocation out for bad input.
 */
public final class StructureException extends Exception {
    public enum Kind { CORRUPT, UNSUPPORTED, LIMIT }

    private final Kind kind;

    public StructureException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static StructureException corrupt(String message) {
        return new StructureException(Kind.CORRUPT, message);
    }

    public static StructureException unsupported(String message) {
        return new StructureException(Kind.UNSUPPORTED, message);
    }

    public static StructureException limit(String message) {
        return new StructureException(Kind.LIMIT, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The same problem, its message prefixed with where it was met ("/etc/fstab on ext4: ..."). */
    public StructureException in(String where) {
        StructureException e = new StructureException(kind, where + ": " + getMessage());
        e.initCause(this);
        return e;
    }
}
