package dev.vm2ami.image.read;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stored image read front to back as a stream (for a decompressor), in large reads so that an S3
 * source makes few requests. Its own failures are {@link SourceFailure}s, so they are not mistaken
 * for damaged compressed data.
 */
public final class SourceStream extends InputStream {
    /** Reading the storage failed: worth a retry, not a finding about the image. */
    public static final class SourceFailure extends IOException {
        SourceFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final ByteSource source;
    private final byte[] buffer;
    private long pos;
    private int start;
    private int end;

    public SourceStream(ByteSource source, long from, int bufferSize) {
        this.source = source;
        this.pos = from;
        this.buffer = new byte[bufferSize];
    }

    @Override
    public int read() throws IOException {
        if (start == end && !fill()) return -1;
        return buffer[start++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (start == end && !fill()) return -1;
        int n = Math.min(len, end - start);
        System.arraycopy(buffer, start, b, off, n);
        start += n;
        return n;
    }

    /** What is left, so that GZIPInputStream looks for a further member after the first. */
    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - start + Math.max(0, source.size() - pos));
    }

    private boolean fill() throws IOException {
        if (pos >= source.size()) return false;
        int n;
        try {
            n = source.read(pos, buffer, 0, (int) Math.min(buffer.length, source.size() - pos));
        } catch (IOException e) {
            throw new SourceFailure(e);
        }
        if (n <= 0) return false;
        pos += n;
        start = 0;
        end = n;
        return true;
    }
}
