package io.sslstream.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.codec.PatchMask;
import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.model.Engines;
import io.sslstream.model.ImageBatch;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.trainer.method.Batch;
import io.sslstream.trainer.method.Method;
import io.sslstream.trainer.method.MethodSettings;
import io.sslstream.trainer.optim.NonFinite;
import io.sslstream.trainer.optim.Optimizer;
import io.sslstream.trainer.optim.OptimizerSettings;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One training run on DJL: a {@link Method} (encoder, heads, loss, method state), an {@link Optimizer} with its
 * learning-rate schedule, the step counter, and checkpoints of all of it. Owns all native memory of the run in one
 * manager; each step's temporaries live in an {@link NDScope} and are freed when the step ends, so a long run keeps
 * a flat native footprint.
 *
 * <p>Not thread-safe; the PyTorch engine allows one gradient collector per JVM at a time.
 */
public final class Learner implements AutoCloseable {

    /**
     * @param method    method, encoder and input
     * @param optimizer optimizer and schedule
     * @param batchSize samples per step
     * @param seed      parameter initialisation seed
     */
    public record Settings(MethodSettings method, OptimizerSettings optimizer, int batchSize, long seed) {
        public Settings {
            if (batchSize < 2) {
                throw new IllegalArgumentException("batch size must be >= 2, got " + batchSize);
            }
        }
    }

    private final Settings settings;
    private final Engine engine;
    private final NDManager manager;
    private final Method method;
    private final Optimizer optimizer;
    private final ImageBatch[] buffers;
    private int next;
    private long step;
    private String skipReason;

    public Learner(Settings settings, Device device) {
        this.settings = settings;
        this.engine = Engines.pytorch();
        engine.setRandomSeed((int) settings.seed());
        this.manager = engine.newBaseManager(device);
        this.method = settings.method().create(manager);
        this.optimizer = settings.optimizer().create(method.trainableParameters(), manager);
        int rows = settings.method().views() * settings.batchSize();
        InputSpec input = settings.method().input();
        // two buffers: a tensor may share its buffer until the step that uses it is over
        this.buffers = new ImageBatch[]{new ImageBatch(input, rows), new ImageBatch(input, rows)};
    }

    /**
     * A batch as the step's input, made before the step: the views' pixels normalised into one of the learner's two
     * input buffers (view-major), and the masks for MAE. Made by {@link #prepare} on any one thread (a prefetching
     * caller's), consumed by {@link #step(Prepared)}; the buffer is refilled two {@code prepare} calls later, so a
     * caller may prepare batch {@code k + 1} while step {@code k} runs, never further ahead.
     */
    public static final class Prepared {
        private final ImageBatch buffer;
        private final int samples;
        private final List<PatchMask> masks;

        private Prepared(ImageBatch buffer, int samples, List<PatchMask> masks) {
            this.buffer = buffer;
            this.samples = samples;
            this.masks = masks;
        }

        public int samples() {
            return samples;
        }
    }

    /**
     * Turns view sets into the next step's input (the first {@code views} views of each; MAE also its mask).
     *
     * @throws IllegalArgumentException if a sample has too few views or, for MAE, no mask (the consumer rejects such
     *                                  records before they get here)
     */
    public Prepared prepare(List<ViewSet> batch) {
        int views = settings.method().views();
        ImageBatch b = buffers[next];
        next ^= 1;
        b.clear();
        for (int v = 0; v < views; v++) { // view v of every sample, then view v + 1: rows i and i + N are a pair
            for (ViewSet vs : batch) {
                if (vs.views().size() <= v) {
                    throw new IllegalArgumentException(method.name() + " needs " + views + " views; sample " + vs.sampleId()
                            + " has " + vs.views().size());
                }
                View view = vs.views().get(v);
                b.add(view.pixels(), view.height(), view.width(), view.channels());
            }
        }
        List<PatchMask> masks = new ArrayList<>();
        if (settings.method().needsMask()) {
            for (ViewSet vs : batch) {
                if (vs.mask() == null) {
                    throw new IllegalArgumentException(method.name() + " needs a patch mask; sample " + vs.sampleId() + " has none");
                }
                masks.add(vs.mask());
            }
        }
        return new Prepared(b, batch.size(), masks);
    }

    /** {@link #prepare} and {@link #step(Prepared)} in one call. */
    public float step(List<ViewSet> batch) {
        return step(prepare(batch));
    }

    /**
     * One optimisation step on a prepared batch, with the schedule's learning rate for this step. A step whose loss or
     * any gradient is not finite (NaN or infinite) changes no weight: its gradients are dropped, the optimizer and the
     * step counter stay where they were, and it returns a NaN loss so that the caller can count and report it. The
     * forward pass itself may still have moved BatchNorm running statistics; {@link #firstNonFinite()} checks those
     * before a checkpoint is written.
     *
     * @return the batch's loss before the update, or NaN if the step was skipped
     */
    public float step(Prepared batch) {
        int views = settings.method().views();
        double lr = learningRate();
        try (NDScope scope = new NDScope()) {
            NDArray x = batch.buffer.toNDArray(manager); // (views * N, C, H, W)
            NDArray loss;
            try (GradientCollector collector = engine.newGradientCollector()) {
                loss = method.loss(new Batch(x, batch.samples, views, batch.masks));
                collector.backward(loss);
            }
            float value = loss.getFloat();
            if (!Float.isFinite(value)) {
                skipReason = "the loss is " + value;
            } else if (!optimizer.gradientsFinite()) {
                skipReason = "the loss is " + value + " but a gradient is not finite";
            } else {
                skipReason = null;
            }
            if (skipReason != null) {
                optimizer.discardGradients();
                return Float.NaN;
            }
            optimizer.step(lr);
            step++;
            method.afterUpdate(step);
            return value;
        }
    }

    /**
     * The first network parameter (running statistics included) or optimizer state with a NaN or an infinity, named
     * {@code <entry>/<parameter>} or {@code <parameter> state <k>}, or null if everything is finite: weights that must
     * not be written to a checkpoint, nor resumed from.
     */
    public String firstNonFinite() {
        String bad = NonFinite.firstIn(method.blocks());
        return bad != null ? bad : optimizer.firstNonFiniteState();
    }

    /** Why the latest step was skipped ({@code the loss is NaN}, or a finite loss with a non-finite gradient), or null. */
    public String skipReason() {
        return skipReason;
    }

    /** The learning rate of the next step. */
    public double learningRate() {
        return settings.optimizer().schedule().at(step);
    }

    /**
     * Moves the schedule on by {@code steps} steps not taken here: rounds a replica replayed from the sync topic
     * rather than trained, so that its learning rate stays the group's.
     */
    public void advance(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("cannot go back " + (-steps) + " steps");
        }
        step += steps;
    }

    /** Steps done (restored with a checkpoint). */
    public long steps() {
        return step;
    }

    /** Writes a checkpoint archive: manifest, every network of the method, the optimizer state, the method state. */
    public void save(Path file, CheckpointManifest manifest) throws IOException {
        save(file, manifest, Map.of());
    }

    /** {@link #save(Path, CheckpointManifest)} with further archive entries (a replicated run's sync state). */
    public void save(Path file, CheckpointManifest manifest, Map<String, byte[]> more) throws IOException {
        Map<String, byte[]> extra = new LinkedHashMap<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            optimizer.save(out);
        }
        extra.put(Optimizer.ENTRY, bytes.toByteArray());
        extra.putAll(method.state());
        extra.putAll(more);
        CheckpointArchive.write(file, manifest, method.blocks(), extra);
    }

    /**
     * Restores everything a checkpoint holds: networks (with BatchNorm statistics), method state, optimizer state,
     * and the step (so that the schedule continues where it stopped).
     *
     * @param stepsDone the checkpoint's step (its manifest's)
     */
    public void restore(Path file, long stepsDone) throws IOException {
        restore(file, stepsDone, true);
    }

    /**
     * {@link #restore(Path, long)}; with {@code exactUpdates} false the optimizer's update count may differ from the
     * step: a replicated run's checkpoint holds the group's step and the writing replica's own inner optimizer, whose
     * count misses the rounds that replica replayed instead of training.
     */
    public void restore(Path file, long stepsDone, boolean exactUpdates) throws IOException {
        method.restore(file);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(CheckpointArchive.readEntry(file, Optimizer.ENTRY)))) {
            optimizer.load(in);
        }
        if (exactUpdates && optimizer.updates() != stepsDone) {
            throw new IOException(file + ": optimizer state after " + optimizer.updates() + " updates, manifest says step " + stepsDone);
        }
        step = stepsDone;
    }

    /** Arrays alive in the learner's managers (parameters, optimizer and method state): flat from step to step. */
    public long liveArrays() {
        return manager.getManagedArrays().size();
    }

    public Method method() {
        return method;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public Settings settings() {
        return settings;
    }

    public Device device() {
        return manager.getDevice();
    }

    @Override
    public void close() {
        optimizer.close();
        method.close();
        manager.close();
    }
}
