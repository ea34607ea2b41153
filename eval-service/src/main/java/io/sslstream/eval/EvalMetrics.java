package io.sslstream.eval;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.eval.messaging.Channels;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The evaluator's Micrometer meters (exported as {@code ssl_eval_*}). Accuracy and lift gauges carry the values of
 * the latest evaluated version per model, protocol and feature set (or baseline); which version that is, and which
 * version is champion, are gauges of their own whose value is the version number. No meter has a version label, so
 * the number of series is bounded by models x protocols x feature sets however many versions are evaluated; the
 * history by version is in the registry.
 */
@Startup
@ApplicationScoped
public class EvalMetrics {

    /** Gauge: latest accuracy, tags {@code protocol}, {@code feature_set}, {@code model}. */
    public static final String ACCURACY = "ssl.eval.accuracy";
    /** Gauge: latest evaluated version, tag {@code model}. */
    public static final String LAST_VERSION = "ssl.eval.last.version";
    /** Counter: evaluations by {@code status} ({@code succeeded}, {@code failed}, {@code skipped}). */
    public static final String EVALUATIONS = "ssl.eval.evaluations";
    /** Timer: event receipt to stored results, tag {@code status}. */
    public static final String DURATION = "ssl.eval.duration";
    /** Timer: one stage, tag {@code stage} ({@code download}, {@code load}, {@code features}, a protocol, {@code baseline}). */
    public static final String STAGE_DURATION = "ssl.eval.stage.duration";
    /** Gauge: encoder accuracy minus a baseline's on the same protocol, tags {@code protocol}, {@code baseline}, {@code model}. */
    public static final String LIFT = "ssl.eval.lift";
    /** Gauge: the version the {@code champion} alias points to, tag {@code model}. */
    public static final String CHAMPION_VERSION = "ssl.eval.champion.version";
    /** Gauge: the champion's accuracy on the deciding protocol, tags {@code model}, {@code protocol}. */
    public static final String CHAMPION_ACCURACY = "ssl.eval.champion.accuracy";
    /** Counter: moves of the {@code champion} alias by this evaluator, tag {@code model}. */
    public static final String CHAMPION_MOVES = "ssl.eval.champion.moves";
    /**
     * Counter: checkpoint events sent to {@code ssl.checkpoints.dlq}, tag {@code reason} ({@link Channels#DLQ_MALFORMED},
     * {@link Channels#DLQ_INTERNAL_ERROR}). An unavailable dependency never sends an event there.
     */
    public static final String DEAD_LETTERS = "ssl.eval.dead.letters";
    /**
     * Timer: waits for an unavailable dependency, one per back-off, tag {@code dependency} ({@code registry},
     * {@code kafka}, {@code work-directory}): its count is the number of waits, its sum the seconds waited.
     */
    public static final String DEPENDENCY_WAIT = "ssl.eval.dependency.wait";
    /** Gauge: 1 while an event waits for the dependency, else 0, tag {@code dependency}. */
    public static final String DEPENDENCY_WAITING = "ssl.eval.dependency.waiting";
    /** Status value of an event skipped because the registry already holds its evaluation and it was published. */
    public static final String SKIPPED = "skipped";
    /**
     * Status value of an event whose evaluation the registry held but {@code ssl.evaluations} did not (a restart
     * between storing and publishing): the stored evaluation was published.
     */
    public static final String REPUBLISHED = "republished";

    private final MeterRegistry registry;

    // strong references: Micrometer gauges only hold their state objects weakly
    private final Map<Tags, Value> gauges = new ConcurrentHashMap<>();
    private final Map<Dependency, AtomicInteger> waiting = new EnumMap<>(Dependency.class);

    EvalMetrics(MeterRegistry registry) {
        this.registry = registry;
        // at start-up, so that a dashboard sees the counters at 0 before the first evaluation, dead letter or wait
        for (String status : new String[]{EvaluationCompleted.SUCCEEDED, EvaluationCompleted.FAILED, SKIPPED, REPUBLISHED}) {
            registry.counter(EVALUATIONS, "status", status);
        }
        for (String reason : new String[]{Channels.DLQ_MALFORMED, Channels.DLQ_INTERNAL_ERROR}) {
            registry.counter(DEAD_LETTERS, "reason", reason);
        }
        for (Dependency d : Dependency.values()) {
            waitTimer(d);
            AtomicInteger flag = new AtomicInteger();
            waiting.put(d, flag);
            Gauge.builder(DEPENDENCY_WAITING, flag, AtomicInteger::get).tag("dependency", d.label()).register(registry);
        }
    }

    /**
     * A model's counters at 0 from its first checkpoint event on, so that its first champion move (a minute or more
     * later, after the evaluation) is an increment a scrape can see.
     */
    public void model(String model) {
        registry.counter(CHAMPION_MOVES, "model", model);
    }

    /** A checkpoint event sent to the dead-letter topic. */
    public void deadLetter(String reason) {
        registry.counter(DEAD_LETTERS, "reason", reason).increment();
    }

    /** One wait for {@code dependency} that lasted {@code nanos}. */
    public void waited(Dependency dependency, long nanos) {
        waitTimer(dependency).record(Duration.ofNanos(nanos));
    }

    /** Whether an event is waiting for {@code dependency} now. */
    public void waiting(Dependency dependency, boolean now) {
        waiting.get(dependency).set(now ? 1 : 0);
    }

    private Timer waitTimer(Dependency dependency) {
        return Timer.builder(DEPENDENCY_WAIT).tag("dependency", dependency.label()).register(registry);
    }

    /** Records every result of an evaluation of {@code model}. */
    public void accuracies(String model, Iterable<ProtocolResult> results) {
        for (ProtocolResult r : results) {
            gauge(ACCURACY, Tags.of("protocol", r.protocol(), "feature_set", r.featureSet(), "model", model)).set(r.accuracy());
        }
    }

    /** Records the lift of every encoder result over each baseline result of the same protocol. */
    public void lifts(String model, List<ProtocolResult> results) {
        for (ProtocolResult e : results) {
            if (!Evaluator.ENCODER.equals(e.featureSet())) {
                continue;
            }
            for (ProtocolResult b : results) {
                if (!b.featureSet().equals(e.featureSet()) && b.protocol().equals(e.protocol())) {
                    gauge(LIFT, Tags.of("protocol", e.protocol(), "baseline", b.featureSet(), "model", model))
                            .set(e.accuracy() - b.accuracy());
                }
            }
        }
    }

    /** The champion as last seen or set; {@code moved} counts a move. */
    public void champion(String model, int version, String protocol, double accuracy, boolean moved) {
        gauge(CHAMPION_VERSION, Tags.of("model", model)).set(version);
        gauge(CHAMPION_ACCURACY, Tags.of("model", model, "protocol", protocol)).set(accuracy);
        if (moved) {
            registry.counter(CHAMPION_MOVES, "model", model).increment();
        }
    }

    public void lastVersion(String model, int version) {
        gauge(LAST_VERSION, Tags.of("model", model)).set(version);
    }

    public void evaluation(String status) {
        registry.counter(EVALUATIONS, "status", status).increment();
    }

    public void duration(String status, double seconds) {
        Timer.builder(DURATION).tag("status", status).register(registry).record(toDuration(seconds));
    }

    public void stage(String stage, double seconds) {
        Timer.builder(STAGE_DURATION).tag("stage", stage).register(registry).record(toDuration(seconds));
    }

    private Value gauge(String name, Tags tags) {
        return gauges.computeIfAbsent(tags.and("name", name), k -> {
            Value v = new Value();
            Gauge.builder(name, v, Value::get).tags(tags).register(registry);
            return v;
        });
    }

    private static Duration toDuration(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    private static final class Value {
        private volatile double value = Double.NaN;

        double get() {
            return value;
        }

        void set(double v) {
            value = v;
        }
    }
}
