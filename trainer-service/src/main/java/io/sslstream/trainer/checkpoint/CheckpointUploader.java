package io.sslstream.trainer.checkpoint;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.RegistryException;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.trainer.TrainerMetrics;
import io.sslstream.trainer.config.TrainerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Publishes checkpoints to the registry from a spool directory, oldest first, on its own thread, so that
 * training never waits for the network. A checkpoint leaves the spool only when the registry has accepted
 * it: if the registry is down, uploads are retried with backoff (and resume after a restart, since the
 * spool is on disk); if the registry rejects one (4xx), it moves to {@code spool/rejected/} with a log
 * line, never silently dropped.
 */
@ApplicationScoped
public class CheckpointUploader {

    static final String SUFFIX = ".ckpt.zip";
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final TrainerConfig config;
    private final TrainerMetrics metrics;
    private RegistryClient registry;
    private Path spool;
    private Thread thread;
    private volatile boolean running;
    private final Object signal = new Object();
    private final AtomicLong published = new AtomicLong();
    private final AtomicInteger lastVersion = new AtomicInteger();

    CheckpointUploader(TrainerConfig config, TrainerMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent e) throws IOException {
        spool = config.checkpoint().spoolDir();
        Files.createDirectories(spool);
        registry = new RegistryClient(config.checkpoint().registryUrl(), config.checkpoint().registryToken().orElse(null),
                Duration.ofMinutes(10));
        metrics.checkpointsPending(this::pending);
        running = true;
        thread = new Thread(this::run, "checkpoint-uploader");
        thread.setDaemon(true);
        thread.start();
        int waiting = pending();
        if (waiting > 0) {
            Log.infof("%d checkpoint(s) from an earlier run are waiting in %s; uploading", waiting, spool);
        }
    }

    /** Stops after the uploads already spooled had a chance to go out (the training loop stops first). */
    void stop(@Observes ShutdownEvent e) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (pending() > 0 && System.nanoTime() < deadline) {
            wake();
            Thread.sleep(100);
        }
        running = false;
        wake();
        if (thread != null) {
            thread.join(5_000);
        }
        if (pending() > 0) {
            Log.warnf("%d checkpoint(s) not yet accepted by the registry stay in %s for the next start", pending(), spool);
        }
    }

    /**
     * Spools a checkpoint: the writer produces the archive into a temporary file, which is renamed into the
     * spool only when complete, so the uploader never sees half a file.
     */
    public void submit(String name, ArchiveWriter writer) {
        Path tmp = spool.resolve(name + SUFFIX + ".tmp");
        try {
            writer.write(tmp);
            Files.move(tmp, spool.resolve(name + SUFFIX), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write checkpoint " + name + " to " + spool, ex);
        }
        wake();
    }

    /** Writes a checkpoint archive to a path. */
    @FunctionalInterface
    public interface ArchiveWriter {
        void write(Path file) throws IOException;
    }

    public int pending() {
        try (Stream<Path> s = Files.list(spool)) {
            return (int) s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).count();
        } catch (IOException e) {
            return -1;
        }
    }

    public long published() {
        return published.get();
    }

    public int lastVersion() {
        return lastVersion.get();
    }

    private void run() {
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            Path next = oldest();
            if (next == null) {
                await(Duration.ofSeconds(5));
                continue;
            }
            try {
                upload(next);
                backoff = Duration.ofSeconds(1);
            } catch (RegistryException ex) {
                metrics.checkpointUploadFailed();
                if (ex.isTransient()) {
                    Log.warnf("registry not reachable for %s (%s); retrying in %ds", next.getFileName(), ex.getMessage(), backoff.toSeconds());
                    await(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                } else {
                    reject(next, ex.getMessage());
                }
            } catch (IOException | RuntimeException ex) {
                metrics.checkpointUploadFailed();
                reject(next, ex.toString());
            }
        }
    }

    private void upload(Path file) throws IOException {
        CheckpointManifest manifest = CheckpointArchive.readManifest(file);
        String sha = Sha256.of(file);
        registry.putBlob(file, sha);
        ModelVersion v = registry.createVersion(manifest.modelName(),
                new CreateVersionRequest(sha, manifest, Map.of("run", manifest.runId())));
        Files.delete(file);
        published.incrementAndGet();
        lastVersion.set(v.version());
        metrics.checkpointPublished();
        Log.infof("published checkpoint step %d of run %s as %s version %d (sha256 %s, %d bytes)",
                manifest.step(), manifest.runId(), v.model(), v.version(), sha.substring(0, 12), v.weightsSize());
    }

    private void reject(Path file, String why) {
        try {
            Path dir = Files.createDirectories(spool.resolve("rejected"));
            Files.move(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            Log.errorf("registry rejected checkpoint %s: %s; kept in %s", file.getFileName(), why, dir);
        } catch (IOException e) {
            Log.errorf("registry rejected checkpoint %s (%s) and it cannot be moved aside: %s", file, why, e);
            running = false; // never spin on the same file
        }
    }

    private Path oldest() {
        try (Stream<Path> s = Files.list(spool)) {
            return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .min(Comparator.comparing(this::modified).thenComparing(Path::toString))
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private void await(Duration d) {
        synchronized (signal) {
            try {
                signal.wait(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
