package dev.vm2ami.image.read;

/**
 * The bytes the readers may ask for in one inspection, shared by every volume read from the same
 * image: a damaged or hostile image (a directory of a million blocks, symbolic links that fan out)
 * then costs at most this much, however the structures point. Bytes served from a cache count too,
 * so what is actually fetched is less.
 */
public final class ReadBudget {
    public static final long DEFAULT_BYTES = 64L << 20;

    private final long limit;
    private long used;

    public ReadBudget(long limit) {
        this.limit = limit;
    }

    public static ReadBudget standard() {
        return new ReadBudget(DEFAULT_BYTES);
    }

    /** Counts {@code bytes} about to be read for {@code what}; LIMIT once the budget is spent. */
    public void charge(long bytes, String what) throws StructureException {
        used += Math.max(0, bytes);
        if (used > limit) {
            throw StructureException.limit("reading " + what + " would exceed the " + (limit >> 20)
                    + " MiB the inspection reads from one image");
        }
    }

    public long used() {
        return used;
    }
}
