package dev.vm2ami.image.read;

import dev.vm2ami.sampleimages.SparseImage;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CachingRangeReaderTest {
    private final SparseImage image = new SparseImage(1 << 20).write(0, "boot".getBytes()).write(70_000, "grain".getBytes());

    @Test
    void roundsReadsOutToWholeBlocks() throws IOException {
        ByteRangeReader source = image.reader();
        CachingRangeReader cached = new CachingRangeReader(source, 64 * 1024);

        byte[] data = cached.read(70_000, 5);

        assertThat(new String(data)).isEqualTo("grain");
        assertThat(source.bytesRead()).isEqualTo(64 * 1024);
        assertThat(source.rangeRequests()).isEqualTo(1);
    }

    @Test
    void servesRepeatedReadsFromTheCache() throws IOException {
        ByteRangeReader source = image.reader();
        CachingRangeReader cached = new CachingRangeReader(source, 64 * 1024);

        cached.read(0, 4);
        cached.read(512, 512);
        cached.read(60_000, 100);

        assertThat(source.rangeRequests()).isEqualTo(1);
        assertThat(cached.rangeRequests()).as("the source's counters").isEqualTo(1);
    }

    @Test
    void fetchesContiguousMissingBlocksInOneRequest() throws IOException {
        ByteRangeReader source = image.reader();
        CachingRangeReader cached = new CachingRangeReader(source, 16 * 1024);

        byte[] data = cached.read(0, 100_000);

        assertThat(data).hasSize(100_000);
        assertThat(new String(data, 70_000, 5)).isEqualTo("grain");
        assertThat(source.rangeRequests()).isEqualTo(1);
    }

    @Test
    void returnsFewerBytesOnlyAtTheEnd() throws IOException {
        CachingRangeReader cached = CachingRangeReader.wrap(image.reader());

        assertThat(cached.read((1 << 20) - 10, 100)).hasSize(10);
        assertThat(cached.read(1 << 20, 100)).isEmpty();
    }

    @Test
    void doesNotWrapACachingReaderTwice() {
        CachingRangeReader cached = CachingRangeReader.wrap(image.reader());

        assertThat(CachingRangeReader.wrap(cached)).isSameAs(cached);
    }

    @Test
    void refusesANegativeOffsetNamingTheSource() {
        CachingRangeReader cached = CachingRangeReader.wrap(image.reader());

        assertThatThrownBy(() -> cached.read(-1, 10)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset -1");
    }
}
