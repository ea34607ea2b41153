package io.sslstream.augmenter.rest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/** Meters of {@code /api/v1/samples}, exported as {@code ssl_augmenter_ingest_*}. */
@Singleton
public class IngestMetrics {

    public static final String SAMPLES = "ssl.augmenter.ingest.samples";
    public static final String REJECTED = "ssl.augmenter.ingest.rejected";

    private final MeterRegistry registry;

    IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A sample of {@code type} ({@code png}, {@code jpeg} or {@code pixels}) was stored in {@code ssl.samples.raw}. */
    void stored(String type) {
        Counter.builder(SAMPLES).description("Samples posted over HTTP and stored in ssl.samples.raw")
                .tag("type", type).register(registry).increment();
    }

    /** A request was refused; {@code reason} is its problem type slug, from a small fixed set. */
    void rejected(String reason) {
        Counter.builder(REJECTED).description("Requests to /api/v1/samples refused with a problem document")
                .tag("reason", reason).register(registry).increment();
    }
}
