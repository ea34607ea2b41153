package io.sslstream.eval;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.ProtocolResult;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The evaluator's Micrometer meters (exported as {@code ssl_eval_*}). Accuracy gauges carry the latest value per
 * model, protocol and feature set; the version is a gauge of its own, so that the number of series stays bounded
 * however many versions are evaluated.
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
    /** Status value of an event skipped because the registry already holds its evaluation. */
    public static final String SKIPPED = "skipped";

    @Inject
    MeterRegistry registry;

    // strong references: Micrometer gauges only hold their state objects weakly
    private final Map<Tags, Value> gauges = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        // at start-up, so that a dashboard sees the counters at 0 before the first evaluation
        for (String status : new String[]{EvaluationCompleted.SUCCEEDED, EvaluationCompleted.FAILED, SKIPPED}) {
            registry.counter(EVALUATIONS, "status", status);
        }
    }

    /** Records every result of an evaluation of {@code model}. */
    public void accuracies(String model, Iterable<ProtocolResult> results) {
        for (ProtocolResult r : results) {
            gauge(ACCURACY, Tags.of("protocol", r.protocol(), "feature_set", r.featureSet(), "model", model)).set(r.accuracy());
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
