package io.sslstream.augmenter;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * The CPU time one sample may take on the worker thread that handles it, decoding included: a few hostile images
 * whose headers pass every check but whose decoding is slow (a progressive JPEG with many scans, a huge image that a
 * recipe would shrink) cannot hold a worker, and the samples behind it, for long.
 *
 * <p>Why a budget checked on the worker thread, and not a timeout around it: a Java thread cannot be stopped from
 * outside, so a timeout would let the caller move on while the decode kept burning the core. The budget is checked
 * where the work can stop: between the rows that ImageIO reports as it decodes (its progress callback, where the
 * reader is {@linkplain javax.imageio.ImageReader#abort() aborted}), after decoding, and between recipes. And it is
 * CPU time, not wall time: on a busy machine a sample waiting for a core is not the sample's fault, and a limit in
 * CPU time refuses the same samples however loaded the machine is (within the precision of the checks).
 *
 * <p>Cheap on the common path: the thread's CPU time (about 1.5 µs to read) is read only once the wall time since the
 * start exceeds the limit, since one thread cannot have used more CPU time than wall time; before that a check is one
 * {@link System#nanoTime()}.
 *
 * <p>Not thread-safe: a budget belongs to the thread that started it.
 */
public final class CpuBudget {

    /** DLQ reason of a sample that took more than its CPU time. */
    public static final String EXCEEDED = "augment.cpu-time-limit";

    /** The clocks a budget reads; tests substitute their own. */
    public interface Clock {

        /** A monotonic wall clock, in nanoseconds. */
        long wallNanos();

        /** The CPU time of the calling thread, in nanoseconds. */
        long threadCpuNanos();
    }

    /** {@link System#nanoTime()} and the JVM's per-thread CPU clock (the wall clock where the JVM has none). */
    public static final Clock SYSTEM = systemClock();

    private static final CpuBudget UNLIMITED = new CpuBudget(Long.MAX_VALUE, SYSTEM, 0, 0);

    private final long limitNanos;
    private final Clock clock;
    private final long wallStart;
    private final long cpuStart;

    private CpuBudget(long limitNanos, Clock clock, long wallStart, long cpuStart) {
        this.limitNanos = limitNanos;
        this.clock = clock;
        this.wallStart = wallStart;
        this.cpuStart = cpuStart;
    }

    /** A budget that is never exhausted. */
    public static CpuBudget unlimited() {
        return UNLIMITED;
    }

    /** Starts a budget of {@code limit} CPU time on the calling thread. */
    public static CpuBudget start(Duration limit, Clock clock) {
        long nanos = limit.toNanos();
        if (nanos <= 0) {
            throw new IllegalArgumentException("a CPU time limit must be positive, got " + limit);
        }
        return new CpuBudget(nanos, clock, clock.wallNanos(), clock.threadCpuNanos());
    }

    /** Whether the calling thread has used the whole budget since it started. */
    public boolean exhausted() {
        if (limitNanos == Long.MAX_VALUE) {
            return false;
        }
        if (clock.wallNanos() - wallStart < limitNanos) {
            return false;
        }
        return clock.threadCpuNanos() - cpuStart >= limitNanos;
    }

    /**
     * @throws RejectedSampleException ({@value #EXCEEDED}, {@code stage}) when the budget is exhausted;
     *                                 {@code where} says what the sample was doing
     */
    public void check(String stage, String where) throws RejectedSampleException {
        if (exhausted()) {
            throw exceeded(stage, where);
        }
    }

    /** The rejection of a sample that used its budget while doing {@code where}. */
    public RejectedSampleException exceeded(String stage, String where) {
        return new RejectedSampleException(EXCEEDED, stage, "the sample used " + millis(clock.threadCpuNanos() - cpuStart)
                + " ms of CPU time, more than its limit of " + millis(limitNanos) + " ms (ssl.augmenter.max-sample-cpu-time), "
                + where);
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private static Clock systemClock() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean supported = threads.isCurrentThreadCpuTimeSupported();
        if (supported && !threads.isThreadCpuTimeEnabled()) {
            try {
                threads.setThreadCpuTimeEnabled(true);
            } catch (RuntimeException e) {
                supported = false;
            }
        }
        boolean cpu = supported;
        return new Clock() {
            @Override
            public long wallNanos() {
                return System.nanoTime();
            }

            @Override
            public long threadCpuNanos() {
                return cpu ? threads.getCurrentThreadCpuTime() : System.nanoTime();
            }
        };
    }
}
