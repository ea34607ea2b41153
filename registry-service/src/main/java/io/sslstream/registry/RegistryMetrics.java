package io.sslstream.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.sslstream.registry.store.BlobRejectedException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The registry's meters; Prometheus shows them as {@code ssl_registry_*}. Every counter is registered at start-up, at 0,
 * with every label value known then (the reasons below, and the models and aliases in the database: see
 * {@link CheckpointRegistry}), so that a scrape sees it before its first increment: a series that first appears at 1
 * hides that increment from {@code rate} and {@code increase}.
 */
@Startup
@ApplicationScoped
public class RegistryMetrics {

    public static final String VERSIONS_CREATED = "ssl.registry.versions.created";
    public static final String VERSIONS_REPLAYED = "ssl.registry.versions.replayed";
    public static final String BLOB_BYTES_STORED = "ssl.registry.blobs.bytes.stored";
    public static final String OUTBOX_PENDING = "ssl.registry.outbox.pending";
    public static final String EVENTS_PUBLISHED = "ssl.registry.events.published";
    public static final String UPLOAD_REJECTED = "ssl.registry.upload.rejected";
    public static final String ALIAS_MOVED = "ssl.registry.alias.moved";
    public static final String RETENTION_VERSIONS_DELETED = "ssl.registry.retention.versions.deleted";
    public static final String RETENTION_BLOBS_DELETED = "ssl.registry.retention.blobs.deleted";
    public static final String RETENTION_BYTES_FREED = "ssl.registry.retention.bytes.freed";
    public static final String AUTH_DENIED = "ssl.registry.auth.denied";

    /** Upload refusal reason: the path is not a SHA-256 digest. */
    public static final String INVALID_DIGEST = "invalid-digest";
    /** Auth refusal reasons. */
    public static final String INVALID_TOKEN = "invalid-token";
    public static final String MISSING_TOKEN = "missing-token";
    public static final String MISSING_SCOPE = "missing-scope";

    private final MeterRegistry registry;
    private final Counter blobBytes;
    private final Counter published;
    private final Counter versionsDeleted;
    private final Counter blobsDeleted;
    private final Counter bytesFreed;
    private final AtomicLong pending = new AtomicLong();

    public RegistryMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.blobBytes = Counter.builder(BLOB_BYTES_STORED)
                .description("Bytes of new blobs written (re-uploads of stored blobs excluded)").register(registry);
        this.published = Counter.builder(EVENTS_PUBLISHED)
                .description("Outbox events acknowledged by the broker").register(registry);
        registry.gauge(OUTBOX_PENDING, pending);
        this.versionsDeleted = Counter.builder(RETENTION_VERSIONS_DELETED)
                .description("Versions deleted by the retention policy").register(registry);
        this.blobsDeleted = Counter.builder(RETENTION_BLOBS_DELETED)
                .description("Blobs deleted by the retention policy (no version used them any more)").register(registry);
        this.bytesFreed = Counter.builder(RETENTION_BYTES_FREED)
                .description("Bytes of blobs deleted by the retention policy").register(registry);
        for (String reason : List.of(INVALID_DIGEST, BlobRejectedException.DIGEST_MISMATCH, BlobRejectedException.TOO_LARGE)) {
            uploadRejectedCounter(reason);
        }
        for (String reason : List.of(INVALID_TOKEN, MISSING_TOKEN, MISSING_SCOPE)) {
            authDeniedCounter(reason);
        }
    }

    /** The counters of a model, at 0 until its next version (called at start-up for each model in the database). */
    public void model(String model) {
        versionsCreated(model);
        versionsReplayed(model);
    }

    /** The counter of an alias, at 0 until it next moves (called at start-up for each alias in the database). */
    public void alias(String alias) {
        aliasMovedCounter(alias);
    }

    public void versionCreated(String model) {
        versionsCreated(model).increment();
    }

    private Counter versionsCreated(String model) {
        return Counter.builder(VERSIONS_CREATED).tag("model", model).description("Model versions created").register(registry);
    }

    /** A create request whose idempotency key had created a version was answered with it (nothing created). */
    public void versionReplayed(String model) {
        versionsReplayed(model).increment();
    }

    private Counter versionsReplayed(String model) {
        return Counter.builder(VERSIONS_REPLAYED).tag("model", model)
                .description("Create requests answered with the version their idempotency key created before")
                .register(registry);
    }

    public void blobStored(long bytes) {
        blobBytes.increment(bytes);
    }

    /** @param reason a short slug, e.g. {@code digest-mismatch}, {@code too-large}, {@code invalid-digest} */
    public void uploadRejected(String reason) {
        uploadRejectedCounter(reason).increment();
    }

    private Counter uploadRejectedCounter(String reason) {
        return Counter.builder(UPLOAD_REJECTED).tag("reason", reason).description("Blob uploads refused").register(registry);
    }

    public void eventPublished() {
        published.increment();
    }

    public void outboxPending(long rows) {
        pending.set(rows);
    }

    /** An alias (not {@code latest}) was pointed at another version. */
    public void aliasMoved(String alias) {
        aliasMovedCounter(alias).increment();
    }

    private Counter aliasMovedCounter(String alias) {
        return Counter.builder(ALIAS_MOVED).tag("alias", alias).description("Alias changes made through the API").register(registry);
    }

    public void retention(int versions, int blobs, long bytes) {
        versionsDeleted.increment(versions);
        blobsDeleted.increment(blobs);
        bytesFreed.increment(bytes);
    }

    /** @param reason {@link #INVALID_TOKEN}, {@link #MISSING_TOKEN} or {@link #MISSING_SCOPE} */
    public void authDenied(String reason) {
        authDeniedCounter(reason).increment();
    }

    private Counter authDeniedCounter(String reason) {
        return Counter.builder(AUTH_DENIED).tag("reason", reason).description("Requests refused for want of a valid token or scope")
                .register(registry);
    }
}
