package io.sslstream.eval;

import io.sslstream.contracts.events.CheckpointPublished;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.eval.champion.ChampionRule;
import io.sslstream.eval.config.EvalConfig;
import io.sslstream.eval.dataset.LabelledDataset;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** The bounded history behind {@code GET /api/v1/status}: versions seen and evaluations done by this process. */
@ApplicationScoped
public class StatusBoard {

    private final EvalConfig config;
    private final Evaluator evaluator;

    private final Deque<EvalStatus.Seen> seen = new ArrayDeque<>();
    private final Deque<EvalStatus.Done> recent = new ArrayDeque<>();
    private final AtomicInteger assignments = new AtomicInteger();
    private final Map<String, EvalStatus.Champion> champions = new TreeMap<>();
    private EvalStatus.Seen current;
    private EvalStatus.Waiting waiting;
    private long waitedNanos; // by the current event, for dependencies

    StatusBoard(EvalConfig config, Evaluator evaluator) {
        this.config = config;
        this.evaluator = evaluator;
    }

    public synchronized void received(CheckpointPublished e, Instant at) {
        current = new EvalStatus.Seen(e.modelName(), e.version(), e.eventId(), at, "evaluating", null);
        waiting = null;
        waitedNanos = 0;
        push(seen, current);
    }

    /** The current event waits for a dependency (each failed attempt updates it). */
    public synchronized void waiting(EvalStatus.Waiting w) {
        waiting = w;
    }

    /** The wait is over: the dependency answered, or the wait ended otherwise. */
    public synchronized void waitOver() {
        waiting = null;
    }

    /** The current event spent {@code nanos} waiting for a dependency. */
    public synchronized void waited(long nanos) {
        waitedNanos += nanos;
    }

    /**
     * How long the current event has been worked on, its waits for dependencies not counted.
     *
     * @return empty when there is no current event, or it is waiting now
     */
    public synchronized Optional<Duration> working(Instant now) {
        if (current == null || waiting != null) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(current.receivedAt(), now).minusNanos(waitedNanos));
    }

    /**
     * Final state of the current event: {@code succeeded}, {@code failed}, {@code skipped}, {@code republished},
     * {@code nacked} or {@code interrupted}.
     */
    public synchronized void settled(UUID eventId, String state, String detail) {
        EvalStatus.Seen[] all = seen.toArray(new EvalStatus.Seen[0]);
        seen.clear();
        for (EvalStatus.Seen s : all) {
            seen.addLast(s.eventId().equals(eventId) && "evaluating".equals(s.state())
                    ? new EvalStatus.Seen(s.model(), s.version(), s.eventId(), s.receivedAt(), state, detail) : s);
        }
        if (current != null && current.eventId().equals(eventId)) {
            current = null;
            waiting = null;
        }
    }

    public synchronized void finished(EvaluationCompleted e) {
        Map<String, Double> acc = new LinkedHashMap<>();
        for (ProtocolResult r : e.results()) {
            acc.put(r.featureSet() + "/" + r.protocol(), r.accuracy());
        }
        push(recent, new EvalStatus.Done(e.modelName(), e.version(), e.status(), e.failureReason(), acc, e.seconds(), e.timestamp()));
    }

    /** The champion decision about version {@code candidate} of {@code model}. */
    public synchronized void champion(String model, int candidate, ChampionRule.Decision d) {
        if (d.move()) {
            champions.put(model, new EvalStatus.Champion(candidate, d.accuracy(), candidate, true, d.reason()));
        } else if (d.previousVersion() != null) {
            champions.put(model, new EvalStatus.Champion(d.previousVersion(), d.previousAccuracy(), candidate, false, d.reason()));
        }
    }

    public void partitionsAssigned() {
        assignments.incrementAndGet();
    }

    public int assignments() {
        return assignments.get();
    }

    public synchronized EvalStatus snapshot() {
        LabelledDataset ds = evaluator.dataset();
        return new EvalStatus(ds.name(), ds.id(), ds.format().label(), ds.classes().size(), ds.trainCount(), ds.testCount(),
                config.device(), config.protocols(), evaluator.registryUrl(), current, waiting, List.copyOf(seen),
                List.copyOf(recent), evaluator.cachedBaselines(), Map.copyOf(champions), assignments.get());
    }

    private <T> void push(Deque<T> deque, T item) {
        deque.addFirst(item);
        while (deque.size() > Math.max(1, config.statusHistory())) {
            deque.removeLast();
        }
    }
}
