package io.sslstream.augmenter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every meter of the augmenter, the stream's and the ingestion API's, exported as {@code ssl_augmenter_*} on
 * {@code /q/metrics}. The names are what dashboards and alerts query: change them here or nowhere.
 */
@Singleton
public class AugmenterMetrics {

    public static final String SAMPLES_IN = "ssl.augmenter.samples.in";
    public static final String VIEWS_OUT = "ssl.augmenter.views.out";
    public static final String DLQ = "ssl.augmenter.dlq";
    public static final String AUGMENT_TIME = "ssl.augmenter.augment.time";
    public static final String PRODUCER_ERRORS = "ssl.augmenter.producer.errors";
    public static final String INGEST_SAMPLES = "ssl.augmenter.ingest.samples";
    public static final String INGEST_REJECTED = "ssl.augmenter.ingest.rejected";

    private final MeterRegistry registry;
    private final Counter samplesIn;
    private final Counter producerErrors;
    private final Timer augmentTime;
    private final Map<String, Counter> viewsOut = new ConcurrentHashMap<>();

    public AugmenterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.samplesIn = Counter.builder(SAMPLES_IN).description("Raw sample records consumed").register(registry);
        this.producerErrors = Counter.builder(PRODUCER_ERRORS)
                .description("Outgoing records the broker did not store (the input goes to the dead-letter topic)")
                .register(registry);
        this.augmentTime = Timer.builder(AUGMENT_TIME)
                .description("Time to decode one raw sample and apply every recipe, rejected samples included")
                .register(registry);
    }

    // ---- the stream (ssl.samples.raw in, ssl.views.<recipe> and ssl.samples.dlq out)

    public void sampleIn() {
        samplesIn.increment();
    }

    /** A view set of {@code recipe} was stored by the broker. */
    public void viewSetOut(String recipe) {
        viewsOut.computeIfAbsent(recipe, r -> Counter.builder(VIEWS_OUT)
                .description("View set records stored by the broker (one per sample and recipe)")
                .tag("recipe", r).register(registry)).increment();
    }

    /** A sample went to the dead-letter topic; the tag values come from a small fixed set, so the series stay few. */
    public void deadLettered(String reason, String stage) {
        Counter.builder(DLQ).description("Samples rejected to the dead-letter topic")
                .tag("reason", reason).tag("stage", stage).register(registry).increment();
    }

    public void producerError() {
        producerErrors.increment();
    }

    public Timer.Sample startTiming() {
        return Timer.start(registry);
    }

    public void stopTiming(Timer.Sample sample) {
        sample.stop(augmentTime);
    }

    // ---- ingestion (POST /api/v1/samples)

    /** A sample of {@code type} ({@code png}, {@code jpeg} or {@code pixels}) was stored in {@code ssl.samples.raw}. */
    public void ingestStored(String type) {
        Counter.builder(INGEST_SAMPLES).description("Samples posted over HTTP and stored in ssl.samples.raw")
                .tag("type", type).register(registry).increment();
    }

    /** A request was refused; {@code reason} is its problem type slug, from a small fixed set. */
    public void ingestRejected(String reason) {
        Counter.builder(INGEST_REJECTED).description("Requests to /api/v1/samples refused with a problem document")
                .tag("reason", reason).register(registry).increment();
    }
}
