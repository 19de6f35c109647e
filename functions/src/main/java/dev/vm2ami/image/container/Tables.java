package dev.vm2ami.image.container;

import dev.vm2ami.image.finding.ConversionException;

import java.io.IOException;
import java.util.PriorityQueue;

/** Walks a table of pointers and keeps the few that point furthest into the file. */
final class Tables {
    /** One entry's pointer (0 for none); throws the finding when it is already wrong. */
    @FunctionalInterface
    interface Entry {
        long pointer(long index) throws IOException, ConversionException;
    }

    private Tables() {}

    /** The {@code keep} largest non-zero pointers among the first {@code limit} of {@code count} entries, largest first. */
    static long[] furthest(long count, long limit, int keep, Entry entry) throws IOException, ConversionException {
        PriorityQueue<Long> top = new PriorityQueue<>();
        for (long i = 0; i < Math.min(count, limit); i++) {
            long p = entry.pointer(i);
            if (p == 0 || keep <= 0) continue;
            if (top.size() < keep) top.add(p);
            else if (p > top.peek()) {
                top.poll();
                top.add(p);
            }
        }
        return top.stream().sorted(java.util.Comparator.reverseOrder()).mapToLong(Long::longValue).toArray();
    }
}
