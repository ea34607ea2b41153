package io.sslstream.eval;

import io.quarkus.logging.Log;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.events.CheckpointPublished;
import io.sslstream.contracts.events.EvaluationCompleted;
import io.sslstream.contracts.events.ProtocolResult;
import io.sslstream.contracts.registry.ModelVersion;
import io.sslstream.contracts.registry.RegistryException;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.eval.champion.ChampionService;
import io.sslstream.eval.config.EvalConfig;
import io.sslstream.eval.dataset.LabelledDataset;
import io.sslstream.eval.export.FeatureExport;
import io.sslstream.eval.messaging.EvaluationPublisher;
import io.sslstream.eval.messaging.PublishedEvaluations;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Takes one announced checkpoint through every stage, in order: download the weights and verify their SHA-256;
 * rebuild the encoder; extract frozen features; run the protocols on them (the raw-pixel and random-init baselines
 * alongside; the results are computed by {@link Evaluator}); store the result with the version in the registry;
 * publish it on {@code ssl.evaluations}; move the {@code champion} alias if the version beats the champion. The
 * caller commits the event after that.
 *
 * <p>Each version is evaluated once per dataset id. When the registry already holds an evaluation of the version on
 * this dataset (the same event twice, or a restart after storing), nothing is computed again: the stored evaluation
 * is published if {@code ssl.evaluations} does not have it yet (a restart between storing and publishing), and the
 * champion rule is applied to it again (a restart before the alias moved); a plain duplicate publishes nothing.
 *
 * <p>A checkpoint that cannot be evaluated (not found, wrong checksum, unreadable, unknown architecture, shape
 * mismatch) becomes a {@code failed} evaluation with the reason, stored and published like any other, so that it is
 * not retried forever, and never becomes champion.
 *
 * <p>An unavailable dependency (the registry, the broker, the work directory) is waited for where it is met
 * ({@link DependencyRetry}), as long as it takes: the stages already done are not done again, so an evaluation
 * computed while the registry is down is kept in memory and stored once the registry is back. A shutdown during such
 * a wait ends the handling with a {@link StoppingException}; the event is read again after the restart, and the
 * recovery above finds whatever had been stored.
 */
@ApplicationScoped
public class EvaluationPipeline {

    private final EvalConfig config;
    private final Evaluator evaluator;
    private final RegistryGateway registry;
    private final EvaluationPublisher publisher;
    private final EvalMetrics metrics;
    private final StatusBoard board;
    private final PublishedEvaluations published;
    private final ChampionService champion;
    private final DependencyRetry retry;

    EvaluationPipeline(EvalConfig config, Evaluator evaluator, RegistryGateway registry, EvaluationPublisher publisher,
                      EvalMetrics metrics, StatusBoard board, PublishedEvaluations published, ChampionService champion,
                      DependencyRetry retry) {
        this.config = config;
        this.evaluator = evaluator;
        this.registry = registry;
        this.publisher = publisher;
        this.metrics = metrics;
        this.board = board;
        this.published = published;
        this.champion = champion;
        this.retry = retry;
    }

    /**
     * Handles one announcement.
     *
     * @param receivedAt when the event was received (the reported seconds start there)
     * @return the published evaluation (new, or stored before and published now), or empty when the version's
     *     evaluation had been stored and published before
     * @throws StoppingException when the process shuts down while the event waits for a dependency
     */
    public Optional<EvaluationCompleted> handle(CheckpointPublished event, Instant receivedAt) {
        board.received(event, receivedAt);
        metrics.model(event.modelName());
        String dataset = evaluator.dataset().id();
        try {
            EvaluationCompleted result;
            try {
                Optional<EvaluationCompleted> before = storedEvaluation(event, dataset);
                if (before.isPresent()) {
                    return resume(event, before.get());
                }
                result = completed(event, receivedAt, EvaluationCompleted.SUCCEEDED, null, evaluate(event));
            } catch (EvaluationFailure f) {
                Log.warnf("%s v%d cannot be evaluated: %s", event.modelName(), event.version(), f.getMessage());
                result = completed(event, receivedAt, EvaluationCompleted.FAILED, f.getMessage(), List.of());
            }
            EvaluationCompleted done = result;
            // stored, then published, then the champion: a restart in between finds it stored (see resume)
            timed("store", () -> store(done));
            timed("publish", () -> announce(done));
            record(done);
            champion.consider(done).ifPresent(d -> board.champion(done.modelName(), done.version(), d));
            board.settled(event.eventId(), done.status(), done.failureReason());
            board.finished(done);
            return Optional.of(done);
        } catch (StoppingException e) {
            board.settled(event.eventId(), "interrupted", e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            board.settled(event.eventId(), "nacked", e.toString());
            throw e;
        }
    }

    /**
     * The version's evaluation on this dataset is in the registry: publish it unless {@code ssl.evaluations} has it,
     * and apply the champion rule to it again.
     */
    private Optional<EvaluationCompleted> resume(CheckpointPublished event, EvaluationCompleted stored) {
        boolean announced = retry.call("search of " + published.topic() + " for the stored evaluation of " + stored.modelName()
                + " v" + stored.version(), attempt -> published.contains(stored));
        String detail = "evaluation " + stored.eventId() + " of " + stored.timestamp() + " (" + stored.status() + ") is stored"
                + (announced ? " and published" : " but was not published: published now");
        Log.infof("%s v%d already evaluated on %s: %s", event.modelName(), event.version(), stored.dataset(), detail);
        if (!announced) {
            announce(stored);
            if (EvaluationCompleted.SUCCEEDED.equals(stored.status())) {
                gauges(stored);
            }
        }
        String state = announced ? EvalMetrics.SKIPPED : EvalMetrics.REPUBLISHED;
        metrics.evaluation(state);
        champion.consider(stored).ifPresent(d -> board.champion(stored.modelName(), stored.version(), d));
        board.settled(event.eventId(), state, detail);
        return announced ? Optional.empty() : Optional.of(stored);
    }

    /** A stored evaluation of the version on {@code dataset}: the newest succeeded one, else the newest failed one. */
    private Optional<EvaluationCompleted> storedEvaluation(CheckpointPublished event, String dataset) {
        ModelVersion v;
        try {
            v = registry.getVersion(event.modelName(), event.version());
        } catch (RegistryException e) {
            if (e.status() == 404) {
                throw new EvaluationFailure("version " + event.version() + " of model " + event.modelName()
                        + " is not in the registry (404): " + e.getMessage(), e);
            }
            throw new EvaluationFailure("the registry refused to describe " + event.modelName() + " v" + event.version() + " ("
                    + e.status() + "): " + e.getMessage(), e);
        }
        List<EvaluationCompleted> onDataset = v.evaluations().stream().filter(e -> dataset.equals(e.dataset())).toList();
        Optional<EvaluationCompleted> succeeded = onDataset.stream()
                .filter(e -> EvaluationCompleted.SUCCEEDED.equals(e.status())).reduce((a, b) -> b);
        return succeeded.isPresent() ? succeeded : onDataset.stream().reduce((a, b) -> b);
    }

    private List<ProtocolResult> evaluate(CheckpointPublished event) {
        LabelledDataset ds = evaluator.dataset();
        Path dir = workDir();
        try {
            Path weights = dir.resolve("weights.zip");
            stage(event, "download", () -> {
                download(event, weights);
                return null;
            });
            verify(event, weights);
            EncoderFeatures.Features features;
            CheckpointManifest manifest;
            try (EncoderFeatures encoder = stage(event, "load", () -> EncoderFeatures.load(weights, ds, evaluator.device()))) {
                manifest = encoder.manifest();
                features = stage(event, "features", () -> encoder.extract(ds, config.batchSize()));
            }
            config.featuresExportDir().ifPresent(d -> export(event, d, features));
            List<ProtocolResult> results = new ArrayList<>(protocols("raw-pixel baseline",
                    () -> evaluator.rawPixelBaseline(r -> logResult(event, r))));
            results.addAll(protocols("random-init baseline", () -> evaluator.randomInitBaseline(manifest, r -> logResult(event, r))));
            results.addAll(protocols("protocols on the encoder's features",
                    () -> evaluator.run(Evaluator.ENCODER, features.train(), features.test(), r -> {
                        logResult(event, r);
                        metrics.stage(r.protocol(), r.seconds());
                    })));
            return results;
        } finally {
            deleteRecursively(dir);
        }
    }

    /** Writes the features as NumPy files; a failure to write is logged, not the evaluation's. */
    private void export(CheckpointPublished event, Path dir, EncoderFeatures.Features f) {
        LabelledDataset ds = evaluator.dataset();
        try {
            Path folder = FeatureExport.write(dir, event.modelName(), event.version(), f.train(), ds.trainLabels(), f.test(),
                    ds.testLabels());
            Log.infof("%s v%d features written to %s", event.modelName(), event.version(), folder);
        } catch (IOException | RuntimeException e) {
            Log.warnf("cannot write the features of %s v%d to %s: %s", event.modelName(), event.version(), dir, e.toString());
        }
    }

    private void download(CheckpointPublished event, Path target) {
        try {
            registry.downloadWeights(event.modelName(), event.version(), target);
        } catch (RegistryException e) {
            if (e.status() == 404) {
                throw new EvaluationFailure("the weights of " + event.modelName() + " v" + event.version()
                        + " are not in the registry (404): " + e.getMessage(), e);
            }
            throw new EvaluationFailure("cannot download the weights of " + event.modelName() + " v" + event.version() + " ("
                    + e.status() + "): " + e.getMessage(), e);
        }
    }

    private static void verify(CheckpointPublished event, Path weights) {
        String actual;
        long size;
        try {
            actual = Sha256.of(weights);
            size = Files.size(weights);
        } catch (IOException e) {
            throw new EvaluationFailure("cannot read the downloaded weights: " + e.getMessage(), e);
        }
        if (!actual.equalsIgnoreCase(event.weightsSha256())) {
            throw new EvaluationFailure("checksum mismatch: the event announces weights with SHA-256 " + event.weightsSha256()
                    + " (" + event.weightsSize() + " bytes), the registry served SHA-256 " + actual + " (" + size + " bytes)");
        }
    }

    /** Runs protocols; an error in them (a bug, a native failure) fails this evaluation, not the stream. */
    private static List<ProtocolResult> protocols(String what, Supplier<List<ProtocolResult>> run) {
        try {
            return run.get();
        } catch (EvaluationFailure | StoppingException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EvaluationFailure(what + " failed: " + e, e);
        }
    }

    private <T> T stage(CheckpointPublished event, String name, Supplier<T> body) {
        long t0 = System.nanoTime();
        try {
            T result = body.get();
            Log.infof("%s v%d %s: %.1f s", event.modelName(), event.version(), name, (System.nanoTime() - t0) / 1e9);
            return result;
        } catch (EvaluationFailure | StoppingException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EvaluationFailure("stage " + name + " failed: " + e, e);
        } finally {
            metrics.stage(name, (System.nanoTime() - t0) / 1e9);
        }
    }

    private void timed(String name, Runnable body) {
        long t0 = System.nanoTime();
        try {
            body.run();
        } finally {
            metrics.stage(name, (System.nanoTime() - t0) / 1e9);
        }
    }

    private EvaluationCompleted completed(CheckpointPublished event, Instant receivedAt, String status, String reason,
                                          List<ProtocolResult> results) {
        Instant now = Instant.now();
        double seconds = Duration.between(receivedAt, now).toNanos() / 1e9;
        return new EvaluationCompleted(EvaluationCompleted.SCHEMA_VERSION, UUID.randomUUID(), now, event.modelName(),
                event.version(), event.weightsSha256(), evaluator.dataset().id(), status, reason, results, seconds);
    }

    /**
     * Publishes an evaluation, waiting for the broker as long as it takes. A send that failed may still have reached
     * the topic (a timeout after the broker wrote it): before sending again, the topic is searched for the
     * evaluation's event id, so that it is there once.
     */
    private void announce(EvaluationCompleted done) {
        String what = "publish of the evaluation of " + done.modelName() + " v" + done.version() + " on " + published.topic();
        retry.call(what, attempt -> {
            if (attempt > 1 && published.contains(done)) {
                Log.infof("%s: the evaluation is on the topic already (an earlier attempt went through)", what);
                return null;
            }
            publisher.publish(done);
            return null;
        });
    }

    private void store(EvaluationCompleted done) {
        try {
            registry.addEvaluation(done);
        } catch (RegistryException e) {
            // e.g. a version the registry does not know: the result is still worth publishing
            Log.warnf("the registry did not store the evaluation of %s v%d (%d): %s", done.modelName(), done.version(),
                    e.status(), e.getMessage());
        }
    }

    private void record(EvaluationCompleted done) {
        metrics.evaluation(done.status());
        metrics.duration(done.status(), done.seconds());
        if (EvaluationCompleted.SUCCEEDED.equals(done.status())) {
            gauges(done);
            String summary = done.results().stream()
                    .filter(r -> Evaluator.ENCODER.equals(r.featureSet()))
                    .map(r -> r.protocol() + " " + String.format(Locale.ROOT, "%.4f", r.accuracy()) + lifts(done, r))
                    .collect(Collectors.joining(", "));
            Log.infof("evaluated %s v%d on %s in %.1f s: %s", done.modelName(), done.version(), done.dataset(), done.seconds(), summary);
        } else {
            Log.infof("recorded failed evaluation of %s v%d in %.1f s: %s", done.modelName(), done.version(), done.seconds(),
                    done.failureReason());
        }
    }

    private void gauges(EvaluationCompleted done) {
        metrics.accuracies(done.modelName(), done.results());
        metrics.lifts(done.modelName(), done.results());
        metrics.lastVersion(done.modelName(), done.version());
    }

    /** {@code " (+1.2 over raw-pixels, +6.0 over random-init)"}: points over each baseline of the same protocol. */
    static String lifts(EvaluationCompleted done, ProtocolResult encoder) {
        String s = done.results().stream()
                .filter(b -> !Evaluator.ENCODER.equals(b.featureSet()) && b.protocol().equals(encoder.protocol()))
                .map(b -> String.format(Locale.ROOT, "%+.1f over %s", 100 * (encoder.accuracy() - b.accuracy()), b.featureSet()))
                .collect(Collectors.joining(", "));
        return s.isEmpty() ? "" : " (" + s + ")";
    }

    private static void logResult(CheckpointPublished event, ProtocolResult r) {
        Log.infof("%s v%d %s %s: accuracy %.4f (spread %.4f) in %.1f s", event.modelName(), event.version(), r.featureSet(),
                r.protocol(), r.accuracy(), r.spread(), r.seconds());
    }

    /**
     * A fresh directory for the download. The machine, not the checkpoint, is at fault when it cannot be made (a full
     * disk, permissions, a missing mount): it is waited for like any dependency, and shown as such, instead of
     * recording a failed evaluation or giving the event up; a fix on the machine, or a restart that remounts it, lets
     * the same event go on.
     */
    private Path workDir() {
        Path base = config.workDir().orElse(Path.of(System.getProperty("java.io.tmpdir")));
        return retry.call("creation of a work directory under " + base, attempt -> {
            try {
                Files.createDirectories(base);
                return Files.createTempDirectory(base, "eval-");
            } catch (IOException e) {
                throw new DependencyUnavailableException(Dependency.WORK_DIRECTORY, "cannot create a work directory under "
                        + base + ": " + e, e);
            }
        });
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            Log.warnf("cannot delete %s: %s", dir, e.getMessage());
        }
    }
}
