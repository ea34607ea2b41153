package io.sslstream.trainer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sslstream.contracts.Topics;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.registry.Sha256;
import io.sslstream.model.Engines;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.trainer.checkpoint.CheckpointUploader;
import io.sslstream.trainer.config.TrainerConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The training thread: takes batches from the {@link ViewQueue}, steps the {@link SimClrLearner}, logs
 * progress, keeps the metrics and spools a checkpoint every N steps for the {@link CheckpointUploader}.
 */
@ApplicationScoped
public class TrainingLoop {

    /** Steps averaged for the initial and the recent loss. */
    private static final int LOSS_WINDOW = 10;
    /** Steps kept for the median step and data-wait times. */
    private static final int TIME_WINDOW = 100;

    @Inject
    TrainerConfig config;
    @Inject
    ViewQueue queue;
    @Inject
    CheckpointUploader uploader;
    @Inject
    MeterRegistry meters;

    private volatile boolean running;
    private volatile String state = "starting";
    private volatile String error;
    private Thread thread;
    private final AtomicReference<TrainerStatus> status = new AtomicReference<>();

    // written by the training thread only
    private long step;
    private long samplesSeen;
    private long lastCheckpointStep;
    private final double[] firstLosses = new double[LOSS_WINDOW];
    private final double[] recentLosses = new double[LOSS_WINDOW];
    private final double[] stepMs = new double[TIME_WINDOW];
    private final double[] waitMs = new double[TIME_WINDOW];
    private final Map<String, Long> offsets = new TreeMap<>();
    private volatile double lastLoss = Double.NaN;

    void start(@Observes StartupEvent e) {
        running = true;
        thread = new Thread(this::run, "trainer");
        thread.start();
    }

    /** Runs before the uploader's shutdown, so that the final checkpoint is spooled first. */
    void stop(@Observes @Priority(1) ShutdownEvent e) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    public boolean isRunning() {
        return running;
    }

    public TrainerStatus status() {
        TrainerStatus s = status.get();
        return s != null ? s : new TrainerStatus(config.runId(), config.method(), state, 0, 0, null, null, 0, 0,
                uploader.published(), uploader.lastVersion(), uploader.pending(), error);
    }

    private void run() {
        Tags tags = Tags.of("method", config.method(), "run", config.runId());
        Timer stepTimer = Timer.builder("ssl.trainer.step.time").tags(tags).publishPercentiles(0.5, 0.95).register(meters);
        Timer waitTimer = Timer.builder("ssl.trainer.data.wait").tags(tags).publishPercentiles(0.5, 0.95).register(meters);
        Counter steps = Counter.builder("ssl.trainer.steps").tags(tags).register(meters);
        Counter samples = Counter.builder("ssl.trainer.samples.seen").tags(tags).register(meters);
        meters.gauge("ssl.trainer.loss", tags, this, t -> t.lastLoss);
        meters.gauge("ssl.trainer.learning.rate", tags, config.optim(), o -> o.learningRate());

        TrainerConfig.Input in = config.input();
        InputSpec input = new InputSpec(in.channels(), in.height(), in.width(), in.mean(), in.std());
        int batchSize = config.batchSize();
        try (SimClrLearner learner = new SimClrLearner(Encoders.smallCnn(), input, config.optim().projection(),
                config.optim().temperature(), config.optim().weightDecay(), batchSize, config.seed(),
                Engines.device(config.device()))) {
            Log.infof("trainer %s: %s on %s, batch %d, lr %s, reading %s", config.runId(), config.method(),
                    learner.device(), batchSize, config.optim().learningRate(), Topics.views(config.recipe()));
            long startNanos = System.nanoTime();
            long lastLog = startNanos;
            while (running && (config.maxSteps() == 0 || step < config.maxSteps())) {
                state = "waiting-for-data";
                long t0 = System.nanoTime();
                List<ViewQueue.Item> batch = queue.take(batchSize, this::isRunning);
                if (batch == null) {
                    break;
                }
                long t1 = System.nanoTime();
                state = "training";
                float loss = learner.step(batch.stream().map(ViewQueue.Item::views).toList(), config.optim().learningRate());
                long t2 = System.nanoTime();
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException("loss is " + loss + " at step " + (step + 1) + "; stopping before the weights are published");
                }
                record(batch, loss, t1 - t0, t2 - t1);
                stepTimer.record(t2 - t1, TimeUnit.NANOSECONDS);
                waitTimer.record(t1 - t0, TimeUnit.NANOSECONDS);
                steps.increment();
                samples.increment(batch.size());
                publishStatus();
                if (step % config.logEverySteps() == 0) {
                    double secs = (t2 - lastLog) / 1e9;
                    lastLog = t2;
                    Log.infof("step %d loss %.4f | step %.0f ms, data wait %.0f ms (medians) | %.0f img/s | %d samples seen",
                            step, mean(recentLosses, step), median(stepMs), median(waitMs),
                            config.logEverySteps() * batchSize / secs, samplesSeen);
                }
                if (step % config.checkpoint().everySteps() == 0) {
                    checkpoint(learner);
                }
            }
            if (config.checkpoint().onShutdown() && step > lastCheckpointStep) {
                checkpoint(learner);
            }
            state = "stopped";
            Log.infof("trainer stopped after %d steps (%.0f s)", step, (System.nanoTime() - startNanos) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = "stopped";
        } catch (RuntimeException | Error e) {
            state = "failed";
            error = e.toString();
            Log.error("training failed", e);
        }
        publishStatus();
    }

    private void record(List<ViewQueue.Item> batch, float loss, long waitNanos, long stepNanos) {
        int i = (int) (step % LOSS_WINDOW);
        if (step < LOSS_WINDOW) {
            firstLosses[i] = loss;
        }
        recentLosses[i] = loss;
        stepMs[(int) (step % TIME_WINDOW)] = stepNanos / 1e6;
        waitMs[(int) (step % TIME_WINDOW)] = waitNanos / 1e6;
        step++;
        samplesSeen += batch.size();
        lastLoss = loss;
        for (ViewQueue.Item it : batch) {
            offsets.merge(it.topic() + "/" + it.partition(), it.offset() + 1, Math::max);
        }
    }

    private void checkpoint(SimClrLearner learner) {
        CheckpointManifest manifest = manifest(learner);
        String name = config.runId() + "-step" + String.format("%09d", step);
        uploader.submit(name, file -> learner.save(file, manifest));
        lastCheckpointStep = step;
        Log.debugf("spooled checkpoint %s", name);
    }

    private CheckpointManifest manifest(SimClrLearner learner) {
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("batch_size", config.batchSize());
        hp.put("optimizer", "adamw");
        hp.put("learning_rate", config.optim().learningRate());
        hp.put("weight_decay", config.optim().weightDecay());
        hp.put("temperature", config.optim().temperature());
        hp.put("projection", config.optim().projection());
        hp.put("recipe", config.recipe());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(CheckpointManifest.Metrics.LOSS, mean(recentLosses, step));
        metrics.put(CheckpointManifest.Metrics.INITIAL_LOSS, mean(firstLosses, Math.min(step, LOSS_WINDOW)));
        Map<String, String> provenance = new LinkedHashMap<>(Engines.provenance(learner.device()));
        provenance.put(CheckpointManifest.Provenance.HOST, hostname());
        provenance.put(CheckpointManifest.Provenance.TRAINED_AT, Instant.now().toString());
        return new CheckpointManifest(CheckpointManifest.FORMAT_VERSION, config.modelName(), config.runId(), config.method(),
                learner.architecture(), learner.input(), step, samplesSeen, config.seed(), configHash(hp),
                hp, metrics, new TreeMap<>(offsets), provenance);
    }

    private void publishStatus() {
        status.set(new TrainerStatus(config.runId(), config.method(), state, step, samplesSeen,
                step == 0 ? null : mean(firstLosses, Math.min(step, LOSS_WINDOW)),
                step == 0 ? null : mean(recentLosses, step), median(stepMs), median(waitMs),
                uploader.published(), uploader.lastVersion(), uploader.pending(), error));
    }

    /** Mean of the first {@code min(n, window)} entries of a ring. */
    private static double mean(double[] ring, long n) {
        int k = (int) Math.min(n, ring.length);
        if (k == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < k; i++) {
            s += ring[i];
        }
        return s / k;
    }

    private double median(double[] ring) {
        int k = (int) Math.min(step, ring.length);
        if (k == 0) {
            return 0;
        }
        double[] c = Arrays.copyOf(ring, k);
        Arrays.sort(c);
        return c[k / 2];
    }

    private static String configHash(Map<String, Object> hp) {
        return Sha256.of(new TreeMap<>(hp).toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
