package io.sslstream.registry.messaging;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.TimeoutException;
import io.sslstream.registry.RegistryMetrics;
import io.sslstream.registry.config.RegistryConfig;
import io.sslstream.registry.store.Jdbc;
import io.sslstream.registry.store.OutboxStore;
import io.sslstream.registry.store.OutboxStore.PendingEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes unsent outbox rows in id order, one at a time: send, await the broker's ack, mark sent. A row whose
 * send fails stays unsent and stops the pass (later rows must not overtake it); the next pass retries it. Passes
 * run every second and right after a version is created ({@link #poke()}). Delivery is at least once: a crash
 * between the ack and the mark re-sends the event, and consumers de-duplicate by event id.
 */
@ApplicationScoped
public class OutboxRelay {

    private final Jdbc jdbc;
    private final OutboxStore outbox;
    private final OutboxSender sender;
    private final RegistryMetrics metrics;
    private final Duration sendTimeout;
    private final int batchSize;

    private final AtomicBoolean running = new AtomicBoolean();
    /** Set at shutdown, before the datasource closes: a pass then in flight must not touch the database. */
    private volatile boolean stopping;
    private final AtomicBoolean requested = new AtomicBoolean();
    private final ExecutorService pokes = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "outbox-relay-poke");
        t.setDaemon(true);
        return t;
    });

    @Inject
    public OutboxRelay(Jdbc jdbc, OutboxStore outbox, OutboxSender sender, RegistryMetrics metrics, RegistryConfig config) {
        this(jdbc, outbox, sender, metrics, config.outbox().sendTimeout(), config.outbox().batchSize());
    }

    public OutboxRelay(Jdbc jdbc, OutboxStore outbox, OutboxSender sender, RegistryMetrics metrics,
                       Duration sendTimeout, int batchSize) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.sender = sender;
        this.metrics = metrics;
        this.sendTimeout = sendTimeout;
        this.batchSize = batchSize;
    }

    /** Asks for a pass now, without waiting for it (called after a version commits). */
    public void poke() {
        try {
            pokes.execute(() -> {
                try {
                    drain();
                } catch (RuntimeException e) {
                    // the scheduled pass retries; the version itself is committed already
                    Log.warnf("Outbox pass after a new version failed: %s", e);
                }
            });
        } catch (RejectedExecutionException e) {
            // shutting down: the rows stay in the outbox for the next start
        }
    }

    @Scheduled(identity = "outbox-relay", every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        drain();
    }

    /**
     * Publishes until nothing is pending or a send fails. A call made while another caller's pass runs does not
     * wait: it leaves a request that the running pass honours with one more round, so no poke is lost.
     *
     * @return events published by this call
     */
    public int drain() {
        if (stopping) {
            return 0;
        }
        requested.set(true);
        int published = 0;
        while (requested.get() && running.compareAndSet(false, true)) {
            try {
                requested.set(false);
                published += publishPending();
            } finally {
                running.set(false);
            }
        }
        return published;
    }

    private int publishPending() {
        int published = 0;
        try {
            while (!stopping) {
                List<PendingEvent> batch = jdbc.read("read the outbox", c -> outbox.pending(c, batchSize));
                for (PendingEvent event : batch) {
                    if (!publish(event)) {
                        return published;
                    }
                    published++;
                }
                if (batch.size() < batchSize) {
                    return published;
                }
            }
            return published;
        } finally {
            updatePendingGauge();
        }
    }

    private boolean publish(PendingEvent event) {
        try {
            sender.send(event, sendTimeout);
        } catch (RuntimeException e) {
            if (stopping) {
                return false;
            }
            String error = e instanceof TimeoutException
                    ? "no broker acknowledgement within " + sendTimeout
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            // a broker outage fails every pass; say so on the first failure and then about once a minute
            if (event.attempts() % 60 == 0) {
                Log.warnf("Outbox event %d to %s (key %s) not acknowledged, attempt %d, will retry: %s",
                        event.id(), event.topic(), event.key(), event.attempts() + 1, error);
            }
            jdbc.write("record an outbox failure", c -> outbox.markFailed(c, event.id(), error));
            return false;
        }
        jdbc.write("mark an outbox event sent", c -> outbox.markSent(c, event.id(), Instant.now()));
        metrics.eventPublished();
        Log.debugf("Published outbox event %d to %s (key %s)", event.id(), event.topic(), event.key());
        return true;
    }

    private void updatePendingGauge() {
        if (stopping) {
            return;
        }
        try {
            metrics.outboxPending(jdbc.read("count the outbox", outbox::countPending));
        } catch (RuntimeException e) {
            Log.debugf("cannot count pending outbox rows: %s", e);
        }
    }

    void onShutdown(@Observes ShutdownEvent event) {
        stopping = true;
        pokes.shutdownNow();
    }

    @PreDestroy
    void stop() {
        stopping = true;
        pokes.shutdownNow();
    }
}
