package dev.vm2ami.image.convert;

import java.io.IOException;

/** Writes the disk as it is; known zeros go to the sink as zeros (holes, for a file). The size is rounded up to whole sectors. */
final class RawWriter implements DiskWriter {
    static final int CHUNK = 1 << 20;
    private final ByteSink sink;
    private final byte[] buffer = new byte[CHUNK];

    RawWriter(ByteSink sink) {
        this.sink = sink;
    }

    @Override
    public int chunkSize() {
        return CHUNK;
    }

    @Override
    public byte[] buffer() {
        return buffer;
    }

    @Override
    public void chunk(int n, boolean hole) throws IOException {
        if (hole) sink.writeZeros(n);
        else sink.write(buffer, 0, n);
    }

    @Override
    public void finish(long diskSize) throws IOException {
        long padding = (512 - diskSize % 512) % 512;
        if (padding > 0) sink.writeZeros(padding);
    }
}
