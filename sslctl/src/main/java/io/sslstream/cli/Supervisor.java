package io.sslstream.cli;

import io.sslstream.kafka.SupervisedProcess;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Restarts the local stack's processes when they die, the way Kubernetes restarts a pod's container: a process that
 * exited is started again with the same command after a back-off that doubles with each crash in a row
 * ({@link Policy#initialBackoff()} up to {@link Policy#maxBackoff()}) and resets once it has run for
 * {@link Policy#resetAfter()}; a process whose liveness check fails {@link Policy#livenessFailures()} times in a row is
 * killed, and then restarted the same way. A process stopped on purpose ({@link SupervisedProcess#isStopped()}) is left
 * down.
 *
 * <p>Each event is printed as one line; {@link #summary()} is a short status for a progress line.
 */
public final class Supervisor implements AutoCloseable {

    /**
     * @param initialBackoff   wait before the first restart after a crash
     * @param maxBackoff       longest wait (the back-off doubles per crash in a row up to this)
     * @param resetAfter       a process that ran this long counts as healthy again: its next crash waits
     *                         {@code initialBackoff}
     * @param livenessEvery    interval of liveness checks
     * @param livenessFailures failed checks in a row after which the process is killed
     */
    public record Policy(Duration initialBackoff, Duration maxBackoff, Duration resetAfter, Duration livenessEvery,
                         int livenessFailures) {
        /** Kubernetes' shape at a local scale: 1 s doubling to 30 s, reset after a minute; liveness every 5 s, 3 failures. */
        public static Policy local() {
            return new Policy(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofSeconds(5), 3);
        }

        Duration backoff(int crashesInARow) {
            long ms = initialBackoff.toMillis() << Math.min(20, Math.max(0, crashesInARow - 1));
            return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
        }
    }

    /** One child's supervision state; times in {@link #clock} nanoseconds. */
    private static final class Watch {
        final SupervisedProcess child;
        int restarts;
        int crashesInARow;
        long startedAt;
        long restartAt = -1; // >= 0 while a restart is pending
        long nextLiveness;
        int livenessFailed;
        boolean everLive;
        String lastExit = "";

        Watch(SupervisedProcess child, long now) {
            this.child = child;
            this.startedAt = now;
        }
    }

    private final Policy policy;
    private final PrintStream out;
    private final LongSupplier clock;
    private final Map<String, Watch> watches = new LinkedHashMap<>();
    private Thread thread;
    private volatile boolean running;

    public Supervisor(Policy policy, PrintStream out) {
        this(policy, out, System::nanoTime);
    }

    Supervisor(Policy policy, PrintStream out, LongSupplier clock) {
        this.policy = policy;
        this.out = out;
        this.clock = clock;
    }

    /** Supervises {@code child} from now on (it is running). */
    public synchronized void watch(SupervisedProcess child) {
        watches.put(child.name(), new Watch(child, clock.getAsLong()));
    }

    /** Checks every child every 200 ms on a thread of its own until {@link #close()}. */
    public synchronized void start() {
        running = true;
        thread = new Thread(() -> {
            while (running) {
                try {
                    check();
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    out.println("[supervisor] " + e.getMessage());
                }
            }
        }, "sslctl-supervisor");
        thread.setDaemon(true);
        thread.start();
    }

    /** One pass over the children: notice exits, restart those whose back-off is over, run due liveness checks. */
    void check() {
        List<Watch> all;
        synchronized (this) {
            all = new ArrayList<>(watches.values());
        }
        for (Watch w : all) {
            if (!running && thread != null) {
                return;
            }
            check(w);
        }
    }

    private void check(Watch w) {
        SupervisedProcess c = w.child;
        if (c.isStopped()) {
            return;
        }
        long now = clock.getAsLong();
        if (w.restartAt >= 0) {
            if (now >= w.restartAt) {
                restart(w);
            }
            return;
        }
        if (!c.isAlive()) {
            Integer code = c.exitCode();
            w.crashesInARow = now - w.startedAt >= policy.resetAfter().toNanos() ? 1 : w.crashesInARow + 1;
            Duration wait = policy.backoff(w.crashesInARow);
            w.restartAt = now + wait.toNanos();
            w.lastExit = "exit " + code;
            synchronized (this) {
                out.printf(Locale.ROOT, "[supervisor] %s exited (%s); restart %d in %s%n", c.name(), describe(code),
                        w.restarts + 1, Progress.format(wait));
            }
            return;
        }
        if (now >= w.nextLiveness) {
            w.nextLiveness = now + policy.livenessEvery().toNanos();
            Boolean live = c.live();
            if (Boolean.TRUE.equals(live)) {
                w.everLive = true;
                w.livenessFailed = 0;
            } else if (Boolean.FALSE.equals(live) && w.everLive && ++w.livenessFailed >= policy.livenessFailures()) {
                out.printf(Locale.ROOT, "[supervisor] %s failed its liveness check %d times in a row; killing it%n", c.name(),
                        w.livenessFailed);
                w.livenessFailed = 0;
                w.everLive = false;
                c.kill();
            }
        }
    }

    private void restart(Watch w) {
        try {
            w.child.relaunch();
            w.restarts++;
            w.restartAt = -1;
            w.startedAt = clock.getAsLong();
            w.everLive = false;
            w.livenessFailed = 0;
            out.printf(Locale.ROOT, "[supervisor] %s restarted (restart %d)%n", w.child.name(), w.restarts);
        } catch (RuntimeException e) {
            // counts as another crash: back off further
            w.crashesInARow++;
            Duration wait = policy.backoff(w.crashesInARow);
            w.restartAt = clock.getAsLong() + wait.toNanos();
            out.printf(Locale.ROOT, "[supervisor] %s did not restart (%s); next try in %s%n", w.child.name(), e.getMessage(),
                    Progress.format(wait));
        }
    }

    private static String describe(Integer code) {
        if (code == null) {
            return "no exit code";
        }
        return code > 128 && code < 160 ? "killed by signal " + (code - 128) : "exit code " + code;
    }

    /** Restarts done so far, per child. */
    public synchronized Map<String, Integer> restarts() {
        Map<String, Integer> r = new LinkedHashMap<>();
        watches.forEach((name, w) -> r.put(name, w.restarts));
        return r;
    }

    /** {@code ""} while nothing was restarted; else e.g. {@code restarts: trainer 2 (back in 0:04), kafka 1}. */
    public synchronized String summary() {
        List<String> parts = new ArrayList<>();
        long now = clock.getAsLong();
        for (Watch w : watches.values()) {
            if (w.restartAt >= 0) {
                long left = Math.max(0, w.restartAt - now);
                parts.add(w.child.name() + " " + w.restarts + " (down, back in " + Progress.format(Duration.ofNanos(left)) + ")");
            } else if (w.restarts > 0) {
                parts.add(w.child.name() + " " + w.restarts);
            }
        }
        return parts.isEmpty() ? "" : "restarts: " + String.join(", ", parts);
    }

    /** Stops supervising (call before stopping the children, so that none is restarted on the way down). */
    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(70_000); // a broker relaunch in progress may take up to a minute
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
