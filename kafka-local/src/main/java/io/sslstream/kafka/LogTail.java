package io.sslstream.kafka;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A log file followed from a position on, as {@code tail -f} follows it: each {@link #poll} reads only what was appended
 * since the last, so that waiting for a line in the log of a long-running process does not read the whole file again
 * and again. A file that is missing counts as empty; one that shrank (truncated) is read again from its start.
 */
public final class LogTail {

    private final Path log;
    private long position;
    /** The last, possibly incomplete, line read so far: a text may be split across two reads. */
    private final StringBuilder carry = new StringBuilder();

    private LogTail(Path log, long position) {
        this.log = log;
        this.position = position;
    }

    /** What is appended to {@code log} from now on. */
    public static LogTail fromEnd(Path log) throws IOException {
        return new LogTail(log, size(log));
    }

    /** What {@code log} holds from byte {@code position} on (e.g. where a process started to append to it). */
    public static LogTail from(Path log, long position) {
        return new LogTail(log, position);
    }

    /** The file's size now; 0 if it does not exist. */
    static long size(Path log) throws IOException {
        try {
            return Files.size(log);
        } catch (NoSuchFileException missing) {
            return 0;
        }
    }

    /**
     * Reads what was appended since the last read.
     *
     * @return true if a line read now, or the line the previous read ended in, contains {@code text} (one line of text)
     */
    public boolean poll(String text) throws IOException {
        if (!Files.exists(log)) {
            return false;
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            if (length < position) {
                position = 0; // truncated
            }
            if (length == position) {
                return false;
            }
            byte[] b = new byte[(int) Math.min(length - position, 1 << 20)];
            f.seek(position);
            f.readFully(b);
            position += b.length;
            carry.append(new String(b, StandardCharsets.UTF_8));
        }
        if (carry.indexOf(text) >= 0) {
            return true;
        }
        int nl = carry.lastIndexOf("\n");
        if (nl >= 0) {
            carry.delete(0, nl + 1);
        }
        return false;
    }

    /**
     * Polls every 20 ms until a line containing {@code text} appears.
     *
     * @return false if none did within {@code timeout}
     */
    public boolean await(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (poll(text)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
