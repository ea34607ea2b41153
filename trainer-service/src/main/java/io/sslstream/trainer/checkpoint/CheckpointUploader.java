package io.sslstream.trainer.checkpoint;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.registry.CreateVersionRequest;
import io.sslstream.contracts.registry.IdempotencyKey;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.RegistryException;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.service.fault.Failpoints;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Publishes checkpoints to the registry from a spool directory, oldest first, on its own thread, so that
 * training never waits for the network. A checkpoint leaves the spool only when the registry has accepted
 * it: if the registry is down, uploads are retried with backoff (and resume after a restart, since the
 * spool is on disk); if the registry rejects one (4xx), it moves to {@code spool/rejected/} with a log
 * line, never silently dropped. A spool that cannot be listed is never taken for an empty one: the uploader logs it
 * as an error, counts a failure, retries with backoff, and reports it ({@link #problem()}, an unknown
 * {@link #pending()} count, a NaN gauge) until the spool can be read again.
 */
@ApplicationScoped
public class CheckpointUploader {

    static final String SUFFIX = ".ckpt.zip";
    /**
     * Failpoint between the registry's answer and the spool file's deletion: the fault test kills the trainer here, and
     * the restarted trainer must not make a second version of the checkpoint.
     */
    public static final String AFTER_VERSION_CREATED = "trainer.after-version-created";
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration IDLE = Duration.ofSeconds(5);

    private final TrainerConfig config;
    private final TrainerMetrics metrics;
    private RegistryClient registry;
    private Path spool;
    private Thread thread;
    private volatile boolean running;
    private volatile String problem;
    private final Object signal = new Object();
    private final AtomicLong published = new AtomicLong();
    private final AtomicInteger lastVersion = new AtomicInteger();

    CheckpointUploader(TrainerConfig config, TrainerMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent e) throws IOException {
        open();
        running = true;
        thread = new Thread(this::run, "checkpoint-uploader");
        thread.setDaemon(true);
        thread.start();
        int waiting = pending().orElseThrow(() -> new IOException(problem));
        if (waiting > 0) {
            Log.infof("%d checkpoint(s) from an earlier run are waiting in %s; uploading", waiting, spool);
        }
    }

    /** The spool, the registry client and the spool's gauge, without the upload thread. */
    void open() throws IOException {
        spool = config.checkpoint().spoolDir();
        Files.createDirectories(spool);
        registry = new RegistryClient(config.checkpoint().registryUrl(), config.checkpoint().registryToken().orElse(null),
                Duration.ofMinutes(10));
        metrics.checkpointsPending(() -> {
            OptionalInt n = pending();
            return n.isPresent() ? n.getAsInt() : Double.NaN;
        });
    }

    /** Stops after the uploads already spooled had a chance to go out (the training loop stops first). */
    void stop(@Observes ShutdownEvent e) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (pending().orElse(0) > 0 && System.nanoTime() < deadline) {
            wake();
            Thread.sleep(100);
        }
        running = false;
        wake();
        if (thread != null) {
            thread.join(5_000);
        }
        OptionalInt left = pending();
        if (left.isEmpty()) {
            Log.errorf("stopping with the checkpoint spool unreadable (%s): checkpoints not yet accepted by the registry may be in it", problem);
        } else if (left.getAsInt() > 0) {
            Log.warnf("%d checkpoint(s) not yet accepted by the registry stay in %s for the next start", left.getAsInt(), spool);
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

    /** Checkpoints written but not yet accepted by the registry; empty while the spool cannot be listed ({@link #problem()}). */
    public OptionalInt pending() {
        return list().map(files -> OptionalInt.of(files.size())).orElse(OptionalInt.empty());
    }

    /** Why the spool cannot be read, or null while it can. */
    public String problem() {
        return problem;
    }

    public long published() {
        return published.get();
    }

    public int lastVersion() {
        return lastVersion.get();
    }

    private void run() {
        Duration backoff = FIRST_BACKOFF;
        while (running) {
            backoff = uploadOldest(backoff);
        }
    }

    /**
     * One round of the upload thread: uploads the oldest spooled checkpoint, or waits for one, or waits before a retry.
     *
     * @param backoff the wait before the next retry if this round fails
     * @return the wait before the retry after the next round
     */
    Duration uploadOldest(Duration backoff) {
        Optional<List<Path>> files = list();
        if (files.isEmpty()) {
            metrics.checkpointUploadFailed();
            await(backoff);
            return longer(backoff);
        }
        Path next = files.get().stream().min(Comparator.comparing(this::modified).thenComparing(Path::toString)).orElse(null);
        if (next == null) {
            await(IDLE);
            return backoff;
        }
        try {
            upload(next);
            return FIRST_BACKOFF;
        } catch (RegistryException ex) {
            metrics.checkpointUploadFailed();
            if (ex.isTransient()) {
                Log.warnf("registry not reachable for %s (%s); retrying in %ds", next.getFileName(), ex.getMessage(), backoff.toSeconds());
                await(backoff);
                return longer(backoff);
            }
            reject(next, ex.getMessage());
        } catch (IOException | RuntimeException ex) {
            metrics.checkpointUploadFailed();
            reject(next, ex.toString());
        }
        return backoff;
    }

    private static Duration longer(Duration backoff) {
        Duration twice = backoff.multipliedBy(2);
        return twice.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : twice;
    }

    /**
     * The spooled checkpoints, or empty if the spool cannot be listed; logs an error when it becomes unreadable and
     * a line when it can be read again.
     */
    private Optional<List<Path>> list() {
        try (Stream<Path> s = Files.list(spool)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList();
            if (problem != null) {
                Log.infof("checkpoint spool %s can be read again", spool);
                problem = null;
            }
            return Optional.of(files);
        } catch (IOException e) {
            String why = "checkpoint spool " + spool + " cannot be listed: " + e;
            if (!why.equals(problem)) {
                Log.errorf("%s; its checkpoints cannot be uploaded until it can (retrying)", why);
                problem = why;
            }
            return Optional.empty();
        }
    }

    private void upload(Path file) throws IOException {
        CheckpointManifest manifest = CheckpointArchive.readManifest(file);
        String sha = Sha256.of(file);
        registry.putBlob(file, sha);
        // the key makes the create safe to retry: after a crash between the registry's commit and the spool file's
        // deletion (or a lost answer), the same file is uploaded again and answered with the version it already made
        ModelVersion v = registry.createVersion(manifest.modelName(),
                new CreateVersionRequest(sha, manifest, Map.of("run", manifest.runId())),
                IdempotencyKey.forCheckpoint(manifest.runId(), manifest.step(), sha));
        Failpoints.hit(AFTER_VERSION_CREATED);
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
                signal.wait(Math.max(1, d.toMillis())); // 0 would wait for ever
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
