package io.sslstream.augmenter.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The augmenter's meters, exported as {@code ssl_augmenter_*} on {@code /q/metrics}. */
@Singleton
public class StreamMetrics {

    public static final String SAMPLES_IN = "ssl.augmenter.samples.in";
    public static final String VIEWS_OUT = "ssl.augmenter.views.out";
    public static final String DLQ = "ssl.augmenter.dlq";
    public static final String AUGMENT_TIME = "ssl.augmenter.augment.time";
    public static final String PRODUCER_ERRORS = "ssl.augmenter.producer.errors";

    private final MeterRegistry registry;
    private final Counter samplesIn;
    private final Counter producerErrors;
    private final Timer augmentTime;
    private final Map<String, Counter> viewsOut = new ConcurrentHashMap<>();

    StreamMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.samplesIn = Counter.builder(SAMPLES_IN).description("Raw sample records consumed").register(registry);
        this.producerErrors = Counter.builder(PRODUCER_ERRORS)
                .description("Outgoing records the broker did not store (the input goes to the dead-letter topic)")
                .register(registry);
        this.augmentTime = Timer.builder(AUGMENT_TIME)
                .description("Time to decode one raw sample and apply every recipe, rejected samples included")
                .register(registry);
    }

    void sampleIn() {
        samplesIn.increment();
    }

    /** A view set of {@code recipe} was stored by the broker. */
    void viewSetOut(String recipe) {
        viewsOut.computeIfAbsent(recipe, r -> Counter.builder(VIEWS_OUT)
                .description("View set records stored by the broker (one per sample and recipe)")
                .tag("recipe", r).register(registry)).increment();
    }

    /** A sample was rejected; the tag values come from a small fixed set, so the series stay few. */
    void rejected(String reason, String stage) {
        Counter.builder(DLQ).description("Samples rejected to the dead-letter topic")
                .tag("reason", reason).tag("stage", stage).register(registry).increment();
    }

    void producerError() {
        producerErrors.increment();
    }

    Timer.Sample startTiming() {
        return Timer.start(registry);
    }

    void stopTiming(Timer.Sample sample) {
        sample.stop(augmentTime);
    }
}
