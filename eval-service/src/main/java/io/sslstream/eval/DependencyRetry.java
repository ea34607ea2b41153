package io.sslstream.eval;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.sslstream.eval.config.EvalConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Calls a dependency until it answers: an attempt that throws {@link DependencyUnavailableException} is made again
 * after a capped exponential back-off ({@code ssl.eval.dependency-retry.*}, 1 s doubling to 30 s by default), as
 * long as it takes. An outage is never a reason to give an event up: the event stays where it is (in memory, one at
 * a time, uncommitted), and the work done before the call is kept. Each wait is logged with what it waits for, shown
 * by {@code GET /api/v1/status} and the readiness check ({@code waiting}), and counted by the
 * {@link EvalMetrics#DEPENDENCY_WAIT} and {@link EvalMetrics#DEPENDENCY_WAITING} meters.
 *
 * <p>Any other exception of an attempt leaves at once. When the process shuts down, a wait in progress ends with a
 * {@link StoppingException}, so that the event is left unacknowledged for the next process.
 */
@ApplicationScoped
public class DependencyRetry {

    /** One attempt of a call. */
    @FunctionalInterface
    public interface Attempt<T> {
        /**
         * @param attempt 1 for the first attempt, then 2, 3, ...
         * @throws DependencyUnavailableException to be called again after a wait
         */
        T run(int attempt);
    }

    private final EvalConfig config;
    private final EvalMetrics metrics;
    private final StatusBoard board;
    private final CountDownLatch stopping = new CountDownLatch(1);

    DependencyRetry(EvalConfig config, EvalMetrics metrics, StatusBoard board) {
        this.config = config;
        this.metrics = metrics;
        this.board = board;
        backoff(); // fails start-up on a bad setting rather than the first outage
    }

    /** Makes the call until an attempt returns (or throws anything but {@link DependencyUnavailableException}). */
    public <T> T call(String what, Attempt<T> call) {
        Backoff backoff = backoff();
        Dependency waitingFor = null;
        Instant since = null;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    T result = call.run(attempt);
                    if (waitingFor != null) {
                        Log.infof("the %s is back after %.1f s (%d failed attempts): %s", waitingFor.label(),
                                seconds(since), attempt - 1, what);
                    }
                    return result;
                } catch (DependencyUnavailableException e) {
                    if (waitingFor != null && waitingFor != e.dependency()) {
                        metrics.waiting(waitingFor, false);
                    }
                    waitingFor = e.dependency();
                    since = since == null ? Instant.now() : since;
                    if (isStopping()) {
                        throw new StoppingException("stopping while " + what + " waits for the " + waitingFor.label());
                    }
                    Duration wait = backoff.next();
                    board.waiting(new EvalStatus.Waiting(waitingFor.label(), what, since, attempt, e.getMessage(),
                            Instant.now().plus(wait)));
                    metrics.waiting(waitingFor, true);
                    Log.warnf("waiting for the %s: %s failed (attempt %d, %.0f s so far): %s; next attempt in %.1f s",
                            waitingFor.label(), what, attempt, seconds(since), e.getMessage(), wait.toMillis() / 1e3);
                    sleep(waitingFor, what, wait);
                }
            }
        } finally {
            if (waitingFor != null) {
                metrics.waiting(waitingFor, false);
                board.waitOver();
            }
        }
    }

    /** True once the process has begun to shut down (or the calling thread was interrupted). */
    public boolean isStopping() {
        return stopping.getCount() == 0 || Thread.currentThread().isInterrupted();
    }

    void onShutdown(@Observes ShutdownEvent event) {
        stopping.countDown(); // wakes a wait in progress
    }

    private void sleep(Dependency dependency, String what, Duration wait) {
        long t0 = System.nanoTime();
        boolean stop;
        try {
            stop = stopping.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop = true;
        }
        long slept = System.nanoTime() - t0;
        metrics.waited(dependency, slept);
        board.waited(slept);
        if (stop) {
            throw new StoppingException("stopping while " + what + " waits for the " + dependency.label());
        }
    }

    private Backoff backoff() {
        return new Backoff(config.dependencyRetry().initialBackoff(), config.dependencyRetry().maxBackoff());
    }

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1e3;
    }
}
