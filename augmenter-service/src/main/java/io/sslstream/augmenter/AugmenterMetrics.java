package io.sslstream.augmenter;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.sslstream.augmenter.config.AugmenterConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every meter of the augmenter, the stream's and the ingestion API's, exported as {@code ssl_augmenter_*} on
 * {@code /q/metrics}. The names are what dashboards and alerts query: change them here or nowhere. The counters are
 * registered at start-up, at 0, with the label values known then (the active recipes, the ingested types), so that a
 * scrape sees each before its first increment; those labelled by a rejection reason start at the reason's first
 * occurrence (the reasons are many and open: the codec's, the images', the problem types).
 */
@Startup
@Singleton
public class AugmenterMetrics {

    public static final String SAMPLES_IN = "ssl.augmenter.samples.in";
    public static final String VIEWS_OUT = "ssl.augmenter.views.out";
    public static final String DLQ = "ssl.augmenter.dlq";
    public static final String AUGMENT_TIME = "ssl.augmenter.augment.time";
    public static final String PRODUCER_ERRORS = "ssl.augmenter.producer.errors";
    public static final String INGEST_SAMPLES = "ssl.augmenter.ingest.samples";
    public static final String INGEST_REJECTED = "ssl.augmenter.ingest.rejected";

    /** The {@code type} values of {@link #INGEST_SAMPLES}. */
    public static final String PNG = "png";
    public static final String JPEG = "jpeg";
    public static final String PIXELS = "pixels";

    private final MeterRegistry registry;
    private final Counter samplesIn;
    private final Counter producerErrors;
    private final Timer augmentTime;
    private final Map<String, Counter> viewsOut = new ConcurrentHashMap<>();

    @Inject
    public AugmenterMetrics(MeterRegistry registry, AugmenterConfig config) {
        this(registry, config.active());
    }

    /** @param activeRecipes the recipes whose view-set counters start at 0 */
    public AugmenterMetrics(MeterRegistry registry, List<String> activeRecipes) {
        this.registry = registry;
        this.samplesIn = Counter.builder(SAMPLES_IN).description("Raw sample records consumed").register(registry);
        this.producerErrors = Counter.builder(PRODUCER_ERRORS)
                .description("Outgoing records the broker did not store (the input goes to the dead-letter topic)")
                .register(registry);
        this.augmentTime = Timer.builder(AUGMENT_TIME)
                .description("Time to decode one raw sample and apply every recipe, rejected samples included")
                .register(registry);
        activeRecipes.forEach(this::viewsOutCounter);
        for (String type : List.of(PNG, JPEG, PIXELS)) {
            ingestCounter(type);
        }
    }

    // ---- the stream (ssl.samples.raw in, ssl.views.<recipe> and ssl.samples.dlq out)

    public void sampleIn() {
        samplesIn.increment();
    }

    /** A view set of {@code recipe} was stored by the broker. */
    public void viewSetOut(String recipe) {
        viewsOutCounter(recipe).increment();
    }

    private Counter viewsOutCounter(String recipe) {
        return viewsOut.computeIfAbsent(recipe, r -> Counter.builder(VIEWS_OUT)
                .description("View set records stored by the broker (one per sample and recipe)")
                .tag("recipe", r).register(registry));
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

    /** A sample of {@code type} ({@link #PNG}, {@link #JPEG} or {@link #PIXELS}) was stored in {@code ssl.samples.raw}. */
    public void ingestStored(String type) {
        ingestCounter(type).increment();
    }

    private Counter ingestCounter(String type) {
        return Counter.builder(INGEST_SAMPLES).description("Samples posted over HTTP and stored in ssl.samples.raw")
                .tag("type", type).register(registry);
    }

    /** A request was refused; {@code reason} is its problem type slug, from a small fixed set. */
    public void ingestRejected(String reason) {
        Counter.builder(INGEST_REJECTED).description("Requests to /api/v1/samples refused with a problem document")
                .tag("reason", reason).register(registry).increment();
    }
}
