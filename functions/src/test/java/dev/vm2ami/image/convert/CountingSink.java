package dev.vm2ami.image.convert;

/** A sink that keeps nothing, for tests and benchmarks that only need the byte count. */
final class CountingSink implements ByteSink {
    private long position;
    boolean finished;
    boolean aborted;

    @Override
    public void write(byte[] b, int off, int len) {
        position += len;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void patch(long pos, byte[] b) {
        if (pos + b.length > Math.min(position, PATCHABLE_HEAD)) throw new IllegalArgumentException("patch past the head");
    }

    @Override
    public void finish() {
        finished = true;
    }

    @Override
    public void abort() {
        aborted = true;
    }
}
