package io.sslstream.registry.retention;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.sslstream.registry.RegistryMetrics;
import io.sslstream.registry.config.RegistryConfig;
import io.sslstream.registry.store.BlobStore;
import io.sslstream.registry.store.Jdbc;
import io.sslstream.registry.store.RetentionStore;
import io.sslstream.registry.store.RetentionStore.Expired;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The retention policy ({@code ssl.registry.retention.*}): deletes versions that every configured rule expires,
 * unless they are their model's newest ({@code latest}) or an alias points at them; then deletes the blobs no
 * remaining version uses. Runs on a schedule and on demand ({@code POST /api/v1/admin/retention}).
 *
 * <p>Each version goes in a transaction of its own, re-checked inside it, so an alias set meanwhile saves it.
 * Blobs uploaded but never referenced by a version are not touched (a client may be between its two steps).
 */
@ApplicationScoped
public class RetentionService {

    private final Jdbc jdbc;
    private final RetentionStore store;
    private final BlobStore blobs;
    private final RegistryMetrics metrics;
    private final RegistryConfig.Retention config;

    @Inject
    public RetentionService(Jdbc jdbc, RetentionStore store, BlobStore blobs, RegistryMetrics metrics, RegistryConfig config) {
        this(jdbc, store, blobs, metrics, config.retention());
    }

    public RetentionService(Jdbc jdbc, RetentionStore store, BlobStore blobs, RegistryMetrics metrics,
                            RegistryConfig.Retention config) {
        this.jdbc = jdbc;
        this.store = store;
        this.blobs = blobs;
        this.metrics = metrics;
        this.config = config;
    }

    /** Whether any rule is configured; without one the policy deletes nothing. */
    public boolean enabled() {
        return config.keepLast() > 0 || config.maxAge().isPresent();
    }

    @Scheduled(identity = "retention", every = "${ssl.registry.retention.every}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        if (enabled()) {
            run(false);
        }
    }

    /** Applies the policy now; with {@code dryRun} only reports what it would delete. */
    public synchronized RetentionReport run(boolean dryRun) {
        Instant cutoff = config.maxAge().map(age -> Instant.now().minus(age)).orElse(null);
        List<Expired> expired = jdbc.read("find expired versions", c -> store.expired(c, config.keepLast(), cutoff));
        List<RetentionReport.DeletedVersion> deleted = new ArrayList<>();
        Set<String> freedBlobs = new LinkedHashSet<>();
        for (Expired e : expired) {
            if (!dryRun) {
                boolean gone;
                try {
                    gone = jdbc.inTransaction("delete " + e.model() + " version " + e.version(), c -> store.delete(c, e.id()));
                } catch (RuntimeException ex) {
                    // most likely an alias was set on it meanwhile (foreign key); the next run decides again
                    Log.warnf("Retention kept %s version %d: %s", e.model(), e.version(), ex.getMessage());
                    continue;
                }
                if (!gone) {
                    continue;
                }
                freedBlobs.add(e.weightsSha256());
            }
            deleted.add(new RetentionReport.DeletedVersion(e.model(), e.version(), e.weightsSha256()));
        }
        int blobCount = 0;
        long bytes = 0;
        for (String sha : freedBlobs) {
            try {
                long freed = blobs.deleteIf(sha, () -> !jdbc.read("count users of blob " + sha, c -> store.referenced(c, sha)));
                if (freed > 0) {
                    blobCount++;
                    bytes += freed;
                }
            } catch (IOException ex) {
                Log.warnf("Retention could not delete blob %s: %s", sha, ex);
            }
        }
        if (!dryRun) {
            metrics.retention(deleted.size(), blobCount, bytes);
        }
        if (!deleted.isEmpty()) {
            Log.infof("Retention%s: %d version(s) %s, %d blob(s), %d bytes", dryRun ? " (dry run)" : "", deleted.size(),
                    deleted.stream().map(d -> d.model() + "/" + d.version()).toList(), blobCount, bytes);
        }
        return new RetentionReport(dryRun, deleted, blobCount, bytes);
    }
}
