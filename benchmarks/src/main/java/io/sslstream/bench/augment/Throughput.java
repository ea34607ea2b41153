package io.sslstream.bench.augment;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A JMH-free timing loop on the calling thread: {@code run(n)} does {@code n} units of work (views), the trial
 * reports units per second of wall time, and, for reference, per second of this thread's CPU time (the two agree on
 * an idle machine; on a busy one the CPU figure shows what the code costs, the wall figure what the machine gave).
 */
public final class Throughput {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The work of a case: {@code n} views, returning something derived from them so the JIT cannot drop them. */
    @FunctionalInterface
    public interface Work {
        long run(int n);
    }

    /**
     * One timed trial.
     *
     * @param units      views done
     * @param wallSecs   wall-clock seconds
     * @param cpuSecs    CPU seconds of the calling thread
     */
    public record Trial(long units, double wallSecs, double cpuSecs) {

        public double perSecond() {
            return units / wallSecs;
        }

        public double perCpuSecond() {
            return units / cpuSecs;
        }
    }

    /** Keeps results alive. */
    private static volatile long sink;

    private Throughput() {
    }

    public static Trial time(Work work, int n) {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        sink += work.run(n);
        long t1 = System.nanoTime();
        long cpu1 = THREADS.getCurrentThreadCpuTime();
        return new Trial(n, (t1 - t0) / 1e9, Math.max(1, cpu1 - cpu0) / 1e9);
    }

    /** Runs {@code work} in chunks of {@code chunk} until {@code seconds} have passed: JIT warm-up. */
    public static void warmUp(Work work, int chunk, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            sink += work.run(chunk);
        } while (System.nanoTime() < end);
    }
}
