package io.sslstream.kafka;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What {@link KafkaProcess} and {@link ServiceProcess} share: the JVM this one started (replaced when it is started
 * again), whether it was stopped on purpose, and how it is stopped: SIGTERM, then SIGKILL after a grace period.
 */
abstract class ChildJvm implements SupervisedProcess {

    /** The current process; a relaunch replaces it. */
    volatile Process process;
    volatile boolean stopped;

    /** The process id (the JVM's: {@code setsid} and {@code taskset} exec it in place). */
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code of a process that has exited (128 + signal when a signal ended it), else null. */
    @Override
    public Integer exitCode() {
        Process p = process;
        return p.isAlive() ? null : p.exitValue();
    }

    /** True once it was stopped on purpose (and not started again since): it is meant to be down, a supervisor leaves it so. */
    @Override
    public boolean isStopped() {
        return stopped;
    }

    /** SIGKILL, no shutdown hooks: a crash as a fault test wants it (a supervisor then restarts the process). */
    @Override
    public void kill() {
        process.destroyForcibly();
    }

    /**
     * Marks it stopped, then SIGTERM (a clean shutdown), and SIGKILL after {@code grace}.
     *
     * @return true if the process exited by itself within {@code grace} (or was not running)
     */
    boolean terminate(Duration grace) {
        stopped = true;
        Process process = this.process;
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
