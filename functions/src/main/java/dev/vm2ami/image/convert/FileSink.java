package dev.vm2ami.image.convert;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** A local file, written beside its final name and moved there when finished, so a failed conversion leaves nothing. */
public final class FileSink implements ByteSink {
    private final Path target;
    private final Path partial;
    private final FileChannel channel;
    private long position;

    public FileSink(Path target) throws IOException {
        this.target = target;
        Path dir = target.toAbsolutePath().getParent();
        this.partial = Files.createTempFile(dir, "." + target.getFileName(), ".partial");
        this.channel = FileChannel.open(partial, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) position += channel.write(buffer, position);
    }

    @Override
    public void writeZeros(long n) {
        position += n;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void patch(long pos, byte[] b) throws IOException {
        if (pos < 0 || pos + b.length > Math.min(position, PATCHABLE_HEAD)) {
            throw new IllegalArgumentException("cannot patch " + b.length + " bytes at " + pos + " of " + position + " written");
        }
        ByteBuffer buffer = ByteBuffer.wrap(b);
        long at = pos;
        while (buffer.hasRemaining()) at += channel.write(buffer, at);
    }

    @Override
    public void finish() throws IOException {
        if (channel.size() < position) channel.write(ByteBuffer.wrap(new byte[1]), position - 1); // a trailing hole
        channel.force(false);
        channel.close();
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void abort() {
        try {
            channel.close();
            Files.deleteIfExists(partial);
        } catch (IOException ignored) {
            // Nothing more to do: the partial file is named as such.
        }
    }
}
