package io.sslstream.bench.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time a process or one of its threads has used (user + system), from {@code /proc/<pid>[/task/<tid>]/stat}. */
public final class CpuTime {

    /** Clock ticks per second of {@code /proc} times ({@code getconf CLK_TCK}; 100 on Linux x86-64 and arm64). */
    static final double TICKS_PER_SECOND = 100;

    private CpuTime() {
    }

    /** Seconds of CPU the process (all its threads) used so far, or NaN if it is gone. */
    public static double seconds(long pid) {
        return read(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** Seconds of CPU one thread of the process used so far, or NaN if it is gone. */
    public static double threadSeconds(long pid, long tid) {
        return read(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "stat"));
    }

    private static double read(Path stat) {
        try {
            String line = Files.readString(stat);
            // the command name (field 2) is in parentheses and may hold spaces: count fields after its ')'
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(f[11]); // field 14 of the whole line
            long stime = Long.parseLong(f[12]); // field 15
            return (utime + stime) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
