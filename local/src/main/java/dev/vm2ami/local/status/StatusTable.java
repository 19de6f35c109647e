package dev.vm2ami.local.status;

import java.util.List;

/** {@code vm2ami status} as text: one line per image, a progress bar, elapsed time and ETA. */
public final class StatusTable {
    static final int BAR = 20;
    private static final int KEY_WIDTH = 40;

    private StatusTable() {}

    public static String render(List<ImageStatus> images) {
        int keyWidth = Math.min(KEY_WIDTH, Math.max(3, images.stream().mapToInt(i -> i.key().length()).max().orElse(3)));
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-" + keyWidth + "s  %-24s  %-27s  %8s  %8s  %8s  %s",
                "KEY", "STAGE", "PROGRESS", "ATTEMPTS", "ELAPSED", "ETA", "DETAIL")).append('\n');
        for (ImageStatus i : images) {
            out.append(String.format("%-" + keyWidth + "s  %-24s  %-27s  %8d  %8s  %8s  %s",
                    abbreviate(i.key(), keyWidth), abbreviate(i.stage(), 24), bar(i.progress()), i.attempts(),
                    duration(i.elapsedSeconds()), i.etaSeconds() == null ? "-" : "~" + duration(i.etaSeconds()),
                    i.detail() == null ? "" : i.detail()).stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** {@code [#####---------------]  25%}, or blanks when there is no progress yet. */
    static String bar(Integer progress) {
        if (progress == null) return "";
        int p = Math.max(0, Math.min(100, progress));
        int filled = p * BAR / 100;
        return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + String.format("%3d%%", p);
    }

    /** 45s, 3m 07s, 2h 05m. */
    static String duration(long seconds) {
        if (seconds < 60) return seconds + "s";
        if (seconds < 3600) return String.format("%dm %02ds", seconds / 60, seconds % 60);
        return String.format("%dh %02dm", seconds / 3600, seconds % 3600 / 60);
    }

    /** Long keys keep their end (the file name), which tells images apart. */
    private static String abbreviate(String text, int width) {
        return text.length() <= width ? text : "…" + text.substring(text.length() - width + 1);
    }
}
