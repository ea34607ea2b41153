package io.sslstream.trainer.checkpoint;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.OffsetKey;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.Page;
import io.sslstream.contracts.registry.RegistryClient;
import io.sslstream.contracts.registry.RegistryException;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.contracts.registry.VersionQuery;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.trainer.RunSettings;
import io.sslstream.trainer.config.TrainerConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Decides at start whether the run resumes, before the Kafka consumer starts (this observer runs ahead of SmallRye
 * Reactive Messaging's start at priority 1000), so that the consumer can seek to the checkpoint's offsets the first
 * time it is assigned its partitions.
 *
 * <p>The newest checkpoint of the run is the one with the largest step among the registry's versions of the run and
 * the spool's checkpoints of the run not yet uploaded (a trainer that died while the registry was down left them
 * there). A registry version is downloaded into the spool's {@code resume/} folder and its SHA-256 checked.
 * Policy: registry unreachable (or 5xx) → retry with exponential backoff up to {@code ssl.trainer.resume.max-backoff},
 * for as long as it takes; no checkpoint → fresh start; a checkpoint of another method, architecture, input or
 * state-shaping hyperparameter ({@link RunSettings#STATE_SHAPING}) → refuse: the trainer fails with the reason
 * (use a new run id to start over); other changed hyperparameters (learning rate, batch size...) → resume, listing
 * the changes; a spool that cannot be listed, or a spooled checkpoint that cannot be read → refuse: the trainer
 * fails with the reason, for either might hold the run's newest checkpoint and resuming from an older one would
 * silently lose training.
 */
@ApplicationScoped
public class ResumeService {

    /** The checkpoint a run resumes from. */
    public record Checkpoint(Path archive, CheckpointManifest manifest, String source) {
    }

    /** Folder of the spool where the checkpoint to resume from is kept. */
    static final String RESUME_DIR = "resume";

    private final TrainerConfig config;
    private final RunSettings settings;

    private final CompletableFuture<Optional<Checkpoint>> decision = new CompletableFuture<>();
    private volatile boolean stopping;

    ResumeService(TrainerConfig config, RunSettings settings) {
        this.config = config;
        this.settings = settings;
    }

    void onStart(@Observes @Priority(500) StartupEvent e) {
        if (!config.resume().enabled()) {
            decision.complete(Optional.empty());
            return;
        }
        try {
            Optional<Checkpoint> c = find();
            c.ifPresentOrElse(
                    cp -> Log.infof("run %s resumes from step %d (%s)", settings.runId(), cp.manifest().step(), cp.source()),
                    () -> Log.infof("run %s: no checkpoint yet, starting fresh", settings.runId()));
            decision.complete(c);
        } catch (RuntimeException | IOException ex) {
            decision.completeExceptionally(ex);
            Log.errorf("run %s cannot resume: %s", settings.runId(), ex.getMessage());
        }
    }

    void onStop(@Observes ShutdownEvent e) {
        stopping = true;
    }

    /** The decision (waits for it); an exception if the run must not start (incompatible checkpoint). */
    public Optional<Checkpoint> await(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return decision.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException ex) {
            throw ex.getCause() instanceof RuntimeException r ? r : new IllegalStateException(ex.getCause().getMessage(), ex.getCause());
        }
    }

    /**
     * The offsets to seek to once the decision is made: the checkpoint's, or none (committed offsets). A manifest key
     * that is not {@code topic/partition} is an {@link IllegalArgumentException}: the consumer then keeps its committed
     * offsets, with the reason logged.
     */
    public Map<OffsetKey, Long> offsets(Duration timeout) throws InterruptedException, TimeoutException {
        Map<OffsetKey, Long> out = new HashMap<>();
        await(timeout).ifPresent(c -> c.manifest().offsets().forEach((k, v) -> out.put(OffsetKey.parse(k), v)));
        return out;
    }

    Optional<Checkpoint> find() throws IOException {
        Path spool = config.checkpoint().spoolDir();
        Optional<Checkpoint> local = newestInSpool(spool);
        Optional<ModelVersion> remote = newestInRegistry();
        Optional<Checkpoint> best;
        if (remote.isPresent() && (local.isEmpty() || remote.get().step() > local.get().manifest().step())) {
            best = Optional.of(download(remote.get(), spool.resolve(RESUME_DIR)));
        } else if (local.isPresent()) {
            // a copy: the uploader deletes the spooled file once the registry has it
            Path copy = Files.createDirectories(spool.resolve(RESUME_DIR)).resolve(local.get().archive().getFileName());
            Files.copy(local.get().archive(), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            best = Optional.of(new Checkpoint(copy, local.get().manifest(), local.get().source()));
        } else {
            best = Optional.empty();
        }
        if (best.isPresent()) {
            List<String> why = settings.incompatibilities(best.get().manifest());
            if (!why.isEmpty()) {
                throw new IllegalStateException("run " + settings.runId() + " has a checkpoint at step " + best.get().manifest().step()
                        + " (" + best.get().source() + ") of another configuration: " + String.join("; ", why)
                        + ". Resume it with its own configuration, or start a new run with another ssl.trainer.run-id.");
            }
            List<String> changes = settings.changes(best.get().manifest());
            if (!changes.isEmpty()) {
                Log.warnf("resuming run %s with changed hyperparameters: %s", settings.runId(), String.join(", ", changes));
            }
        }
        return best;
    }

    /**
     * The run's newest checkpoint among those spooled and not yet uploaded. No spool yet (a new pod) is none; a spool
     * that cannot be listed or a checkpoint in it that cannot be read is an {@link IOException} naming it.
     */
    private Optional<Checkpoint> newestInSpool(Path spool) throws IOException {
        if (Files.notExists(spool)) {
            return Optional.empty();
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(spool)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(CheckpointUploader.SUFFIX)).toList();
        } catch (IOException ex) {
            throw new IOException("checkpoint spool " + spool + " cannot be listed (" + ex + "): it may hold run "
                    + settings.runId() + "'s newest checkpoint; repair it, or remove it to resume from the registry", ex);
        }
        Optional<Checkpoint> newest = Optional.empty();
        for (Path p : files) {
            CheckpointManifest m;
            try {
                m = CheckpointArchive.readManifest(p);
            } catch (IOException | RuntimeException ex) {
                throw new IOException("checkpoint " + p + " in the spool cannot be read (" + ex.getMessage() + "): it may be run "
                        + settings.runId() + "'s newest; move it out of the spool to resume from an older checkpoint", ex);
            }
            if (m.runId().equals(settings.runId()) && m.modelName().equals(settings.modelName())
                    && (newest.isEmpty() || m.step() > newest.get().manifest().step())) {
                newest = Optional.of(new Checkpoint(p, m, "spool " + p.getFileName()));
            }
        }
        return newest;
    }

    /** The registry's version of this run with the largest step; retries while the registry is unreachable. */
    Optional<ModelVersion> newestInRegistry() {
        RegistryClient registry = new RegistryClient(config.checkpoint().registryUrl(),
                config.checkpoint().registryToken().orElse(null), Duration.ofMinutes(10));
        Duration backoff = Duration.ofSeconds(1);
        while (true) {
            try {
                return query(registry);
            } catch (RegistryException ex) {
                if (!ex.isTransient() || stopping) {
                    throw ex;
                }
                Log.warnf("registry not reachable to look for run %s's checkpoint (%s); retrying in %d s",
                        settings.runId(), ex.getMessage(), backoff.toSeconds());
                sleep(backoff);
                Duration max = config.resume().maxBackoff();
                backoff = backoff.multipliedBy(2).compareTo(max) > 0 ? max : backoff.multipliedBy(2);
            }
        }
    }

    private Optional<ModelVersion> query(RegistryClient registry) {
        String model = settings.modelName();
        String run = settings.runId();
        try {
            Page<ModelVersion> page = registry.findVersions(model, VersionQuery.all().run(run).orderBy("step", true).page(0, 1));
            if (page.items().isEmpty()) {
                return Optional.empty();
            }
            if (page.items().get(0).runId().equals(run)) {
                return Optional.of(page.items().get(0));
            }
            // a registry that ignores the search parameters answers with all versions: search them here
            Optional<ModelVersion> best = Optional.empty();
            for (int offset = 0; ; offset += 100) {
                Page<ModelVersion> p = registry.listVersions(model, offset, 100);
                for (ModelVersion v : p.items()) {
                    if (v.runId().equals(run) && (best.isEmpty() || v.step() > best.get().step())) {
                        best = Optional.of(v);
                    }
                }
                if (p.items().isEmpty() || offset + p.items().size() >= p.total()) {
                    return best;
                }
            }
        } catch (RegistryException ex) {
            if (ex.status() == 404) {
                return Optional.empty(); // no such model yet
            }
            throw ex;
        }
    }

    private Checkpoint download(ModelVersion v, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(v.model() + "-v" + v.version() + ".zip");
        RegistryClient registry = new RegistryClient(config.checkpoint().registryUrl(),
                config.checkpoint().registryToken().orElse(null), Duration.ofMinutes(10));
        registry.downloadWeights(v.model(), v.version(), file);
        String sha = Sha256.of(file);
        if (!sha.equals(v.weightsSha256())) {
            Files.deleteIfExists(file);
            throw new IOException("version " + v.version() + " of " + v.model() + " downloaded with SHA-256 " + sha
                    + ", the registry says " + v.weightsSha256());
        }
        return new Checkpoint(file, CheckpointArchive.readManifest(file), v.model() + " version " + v.version() + " from the registry");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new RegistryException(0, "interrupted while waiting for the registry");
        }
    }
}
