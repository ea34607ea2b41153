package io.sslstream.bench.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time a process has used (user + system, all its threads), from {@code /proc/<pid>/stat}. */
public final class CpuTime {

    /** Clock ticks per second of {@code /proc} times ({@code getconf CLK_TCK}; 100 on Linux x86-64 and arm64). */
    static final double TICKS_PER_SECOND = 100;

    private CpuTime() {
    }

    /** Seconds of CPU used so far, or NaN if the process is gone. */
    public static double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count fields after its ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(f[11]); // field 14 of the whole line
            long stime = Long.parseLong(f[12]); // field 15
            return (utime + stime) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
