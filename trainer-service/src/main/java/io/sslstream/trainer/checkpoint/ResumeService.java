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
import io.sslstream.trainer.TrainerMetrics;
import io.sslstream.trainer.config.TrainerConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Decides at start whether the run resumes, before the Kafka consumer starts (this observer runs ahead of SmallRye
 * Reactive Messaging's start at priority 1000), so that the consumer can seek to the checkpoint's offsets the first
 * time it is assigned its partitions.
 *
 * <p>The run resumes from its newest usable checkpoint, among the registry's newest versions of the run and the
 * spool's checkpoints of the run not yet uploaded (a trainer that died while the registry was down left them there).
 * A registry version is downloaded into the spool's {@code resume/} folder and its SHA-256 checked; every candidate is
 * loaded and checked for non-finite values ({@link Check}), and a broken one is passed over for the next older one,
 * as VISSL does ({@link #find()}). Policy: registry unreachable (or 5xx) → retry with exponential backoff up to
 * {@code ssl.trainer.resume.max-backoff}, for as long as it takes; no checkpoint → fresh start; a checkpoint of another
 * method, architecture, input or state-shaping hyperparameter ({@link RunSettings#STATE_SHAPING}) → refuse: the trainer
 * fails with the reason (use a new run id to start over); other changed hyperparameters (learning rate, batch
 * size...) → resume, listing the changes; a spool that cannot be listed → refuse, for it might hold the run's newest
 * checkpoint; checkpoints but none usable → refuse.
 */
@ApplicationScoped
public class ResumeService {

    /** The checkpoint a run resumes from. */
    public record Checkpoint(Path archive, CheckpointManifest manifest, String source) {
    }

    /**
     * Whether a checkpoint's weights can be resumed from (loaded into a learner of the run: every parameter, running
     * statistic and optimizer state restored and finite).
     */
    @FunctionalInterface
    public interface Check {
        /** Why the checkpoint cannot be resumed from, or null if it can. */
        String problem(Checkpoint checkpoint);
    }

    /** Folder of the spool where the checkpoint to resume from is kept. */
    static final String RESUME_DIR = "resume";
    /** Registry versions of the run considered, newest first: more than one, so a broken newest one can be passed over. */
    static final int REGISTRY_CANDIDATES = 5;

    private final TrainerConfig config;
    private final RunSettings settings;
    private final Check check;
    private final TrainerMetrics metrics;
    private final List<String> skipped = new CopyOnWriteArrayList<>();

    private final CompletableFuture<Optional<Checkpoint>> decision = new CompletableFuture<>();
    private volatile boolean stopping;

    public ResumeService(TrainerConfig config, RunSettings settings, Check check, TrainerMetrics metrics) {
        this.config = config;
        this.settings = settings;
        this.check = check;
        this.metrics = metrics;
    }

    public void onStart(@Observes @Priority(500) StartupEvent e) {
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
     * The offsets to seek to once the decision is made: the resumed checkpoint's, or none for a fresh start (the
     * listener then starts every partition at its beginning). {@link #find()} only resumes from a checkpoint whose
     * offset keys all parse.
     */
    public Map<OffsetKey, Long> offsets(Duration timeout) throws InterruptedException, TimeoutException {
        Map<OffsetKey, Long> out = new HashMap<>();
        await(timeout).ifPresent(c -> c.manifest().offsets().forEach((k, v) -> out.put(OffsetKey.parse(k), v)));
        return out;
    }

    /**
     * The newest checkpoint of the run that can be resumed from. Candidates, newest step first: the spool's checkpoints
     * of the run and the registry's newest versions of it (at the same step the spooled copy, which needs no download).
     * A candidate that cannot be read, whose download does not match its hash, whose manifest records a non-finite
     * loss, or whose weights the {@link Check} refuses (not finite, not restorable) is passed over, with the reason in
     * the log, in {@link #skipped()} and in {@code ssl_trainer_checkpoints_skipped_total}; the next one is tried. If
     * there are candidates and none can be used, the run refuses to start rather than start over on top of them.
     */
    Optional<Checkpoint> find() throws IOException {
        Path spool = config.checkpoint().spoolDir();
        List<Candidate> candidates = new ArrayList<>(inSpool(spool));
        for (ModelVersion v : newestInRegistry()) {
            candidates.add(new Candidate(v.step(), null, v, v.model() + " version " + v.version() + " from the registry"));
        }
        // newest step first; at the same step the spool's file, which needs no download
        candidates.sort(Comparator.comparingLong(Candidate::step).reversed().thenComparing(c -> c.version() != null));
        for (Candidate c : candidates) {
            Checkpoint cp;
            try {
                cp = c.version() != null ? download(c.version(), spool.resolve(RESUME_DIR)) : copy(c.file(), spool.resolve(RESUME_DIR), c.source());
            } catch (IOException ex) {
                skip("step " + c.step() + " (" + c.source() + ")", ex.getMessage());
                continue;
            }
            List<String> why = settings.incompatibilities(cp.manifest());
            if (!why.isEmpty()) {
                throw new IllegalStateException("run " + settings.runId() + " has a checkpoint at step " + cp.manifest().step()
                        + " (" + cp.source() + ") of another configuration: " + String.join("; ", why)
                        + ". Resume it with its own configuration, or start a new run with another ssl.trainer.run-id.");
            }
            Double loss = cp.manifest().metrics().get(CheckpointManifest.Metrics.LOSS);
            String problem = loss != null && !Double.isFinite(loss) ? "its manifest records a loss of " + loss
                    : badOffsetKey(cp.manifest()) != null ? "its manifest's offset key '" + badOffsetKey(cp.manifest()) + "' is not topic/partition"
                    : check.problem(cp);
            if (problem != null) {
                skip("step " + c.step() + " (" + c.source() + ")", problem);
                continue;
            }
            List<String> changes = settings.changes(cp.manifest());
            if (!changes.isEmpty()) {
                Log.warnf("resuming run %s with changed hyperparameters: %s", settings.runId(), String.join(", ", changes));
            }
            return Optional.of(cp);
        }
        if (!candidates.isEmpty()) {
            throw new IllegalStateException("none of run " + settings.runId() + "'s " + candidates.size() + " checkpoint(s) can be "
                    + "resumed from (" + String.join("; ", skipped) + "); start a new run with another ssl.trainer.run-id, or "
                    + "remove the broken ones to start this run over");
        }
        return Optional.empty();
    }

    /** The first offset key of the manifest that is not {@code topic/partition}, or null. */
    private static String badOffsetKey(CheckpointManifest m) {
        for (String k : m.offsets().keySet()) {
            try {
                OffsetKey.parse(k);
            } catch (IllegalArgumentException e) {
                return k;
            }
        }
        return null;
    }

    /** Checkpoints passed over at start, each {@code step N (source): reason} (unreadable spool files first). */
    public List<String> skipped() {
        return List.copyOf(skipped);
    }

    /** Passes over a checkpoint: {@code what} is {@code step N (source)}, or the spool file's name if unreadable. */
    private void skip(String what, String why) {
        String entry = what + ": " + why;
        skipped.add(entry);
        metrics.checkpointSkipped();
        Log.errorf("run %s: passing over the checkpoint at %s; trying the next older one", settings.runId(), entry);
    }

    /** A checkpoint that may be resumed from: a spooled file or a registry version. */
    private record Candidate(long step, Path file, ModelVersion version, String source) {
    }

    /**
     * The run's checkpoints in the spool, not yet uploaded. No spool yet (a new pod) is none; a spool that cannot be
     * listed is an {@link IOException} (it may hold the run's newest checkpoint); a file in it that cannot be read is
     * passed over (it holds nothing a run could resume from) and left for the uploader, which moves it to
     * {@code rejected/}.
     */
    private List<Candidate> inSpool(Path spool) throws IOException {
        if (Files.notExists(spool)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(spool)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(CheckpointUploader.SUFFIX)).sorted().toList();
        } catch (IOException ex) {
            throw new IOException("checkpoint spool " + spool + " cannot be listed (" + ex + "): it may hold run "
                    + settings.runId() + "'s newest checkpoint; repair it, or remove it to resume from the registry", ex);
        }
        List<Candidate> out = new ArrayList<>();
        for (Path p : files) {
            CheckpointManifest m;
            try {
                m = CheckpointArchive.readManifest(p);
            } catch (IOException | RuntimeException ex) {
                skip("spool " + p.getFileName(), "cannot be read: " + ex.getMessage());
                continue;
            }
            if (m.runId().equals(settings.runId()) && m.modelName().equals(settings.modelName())) {
                out.add(new Candidate(m.step(), p, null, "spool " + p.getFileName()));
            }
        }
        return out;
    }

    /** A copy of a spooled checkpoint: the uploader deletes the spooled file once the registry has it. */
    private static Checkpoint copy(Path file, Path dir, String source) throws IOException {
        Path copy = Files.createDirectories(dir).resolve(file.getFileName());
        Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        try {
            return new Checkpoint(copy, CheckpointArchive.readManifest(copy), source);
        } catch (RuntimeException ex) {
            throw new IOException("cannot be read: " + ex.getMessage(), ex);
        }
    }

    /** The registry's newest versions of this run (by step, newest first); retries while the registry is unreachable. */
    List<ModelVersion> newestInRegistry() {
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

    private List<ModelVersion> query(RegistryClient registry) {
        String model = settings.modelName();
        String run = settings.runId();
        try {
            Page<ModelVersion> page = registry.findVersions(model, VersionQuery.all().run(run).orderBy("step", true).page(0, REGISTRY_CANDIDATES));
            if (page.items().stream().allMatch(v -> v.runId().equals(run))) {
                return page.items();
            }
            // a registry that ignores the search parameters answers with all versions: search them here
            return registry.allVersions(model).stream().filter(v -> v.runId().equals(run))
                    .sorted(Comparator.comparingLong(ModelVersion::step).reversed()).limit(REGISTRY_CANDIDATES).toList();
        } catch (RegistryException ex) {
            if (ex.status() == 404) {
                return List.of(); // no such model yet
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
        try {
            return new Checkpoint(file, CheckpointArchive.readManifest(file), v.model() + " version " + v.version() + " from the registry");
        } catch (RuntimeException ex) {
            throw new IOException("cannot be read: " + ex.getMessage(), ex);
        }
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
