package io.sslstream.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * A one-line progress display with count, percentage, rate and ETA. On a terminal it redraws in place;
 * otherwise (logs, CI) it prints a line every few seconds.
 */
public final class Progress {

    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean interactive;
    private final long start = System.nanoTime();
    private final long intervalNanos;
    private long lastPrint;

    public Progress(String label, long total, PrintStream out) {
        this.label = label;
        this.total = total;
        this.out = out;
        this.interactive = System.console() != null;
        this.intervalNanos = Duration.ofMillis(interactive ? 250 : 5_000).toNanos();
    }

    /** Reports {@code done} items; prints if enough time passed since the last line. */
    public void update(long done) {
        long now = System.nanoTime();
        if (now - lastPrint >= intervalNanos || done == total) {
            lastPrint = now;
            print(done, now);
        }
    }

    /** Prints the final line. */
    public void finish(long done) {
        print(done, System.nanoTime());
        if (interactive) {
            out.println();
        }
    }

    private void print(long done, long now) {
        double secs = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / secs;
        String eta = rate > 0 && total > done ? format(Duration.ofSeconds((long) ((total - done) / rate))) : "0:00";
        int width = 24;
        int filled = total > 0 ? (int) (width * done / total) : 0;
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        String line = String.format(Locale.ROOT, "%s [%s] %,d/%,d %5.1f%% %,.0f/s ETA %s", label, bar, done, total,
                total > 0 ? 100.0 * done / total : 100.0, rate, eta);
        if (interactive) {
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
