package io.sslstream.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicLong;

/** The registry's meters; Prometheus shows them as {@code ssl_registry_*}. */
@ApplicationScoped
public class RegistryMetrics {

    public static final String VERSIONS_CREATED = "ssl.registry.versions.created";
    public static final String BLOB_BYTES_STORED = "ssl.registry.blobs.bytes.stored";
    public static final String OUTBOX_PENDING = "ssl.registry.outbox.pending";
    public static final String EVENTS_PUBLISHED = "ssl.registry.events.published";
    public static final String UPLOAD_REJECTED = "ssl.registry.upload.rejected";

    private final MeterRegistry registry;
    private final Counter blobBytes;
    private final Counter published;
    private final AtomicLong pending = new AtomicLong();

    public RegistryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.blobBytes = Counter.builder(BLOB_BYTES_STORED)
                .description("Bytes of new blobs written (re-uploads of stored blobs excluded)").register(registry);
        this.published = Counter.builder(EVENTS_PUBLISHED)
                .description("Outbox events acknowledged by the broker").register(registry);
        registry.gauge(OUTBOX_PENDING, pending);
    }

    public void versionCreated(String model) {
        Counter.builder(VERSIONS_CREATED).tag("model", model).description("Model versions created")
                .register(registry).increment();
    }

    public void blobStored(long bytes) {
        blobBytes.increment(bytes);
    }

    /** @param reason a short slug, e.g. {@code digest-mismatch}, {@code too-large}, {@code invalid-digest} */
    public void uploadRejected(String reason) {
        Counter.builder(UPLOAD_REJECTED).tag("reason", reason).description("Blob uploads refused")
                .register(registry).increment();
    }

    public void eventPublished() {
        published.increment();
    }

    public void outboxPending(long rows) {
        pending.set(rows);
    }
}
