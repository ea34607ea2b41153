package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.quarkus.arc.Unremovable;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.sslstream.model.NoGrad;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.trainer.optim.Schedule;
import io.sslstream.trainer.optim.TensorIO;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * MoCo v2 (Chen et al. 2020): a query encoder with an MLP head, a key encoder that follows it by momentum, and a
 * queue of past keys as negatives; InfoNCE with temperature 0.2. Symmetrised as in solo-learn's and lightly's
 * single-device recipes: each view is a query against the other view's key, and both views' keys join the queue.
 * On one device there is no shuffled BatchNorm (MoCo's multi-GPU trick against BatchNorm leaking the positive).
 *
 * <p>State: the key networks ({@code key-encoder.params}, {@code key-head.params}) and the queue with its write
 * position ({@value #QUEUE}).
 */
public final class MoCo extends Method {

    public static final String NAME = "moco";

    /** Two views of the {@code simclr} recipe, a small CNN by default; its own keys are {@code ssl.trainer.moco.*}. */
    public static final MethodDefinition DEFINITION = new MethodDefinition(NAME, 2, false, "simclr", Encoders.SMALL_CNN,
            Set.of("projection", "queue_size"), Optional.of(Config.class), Options::from);

    /**
     * MoCo's own keys (unremovable: Quarkus registers a mapping nobody injects only then; the
     * method reads it through {@link MethodConfig#mapping}).
     */
    @Unremovable
    @ConfigMapping(prefix = "ssl.trainer.moco")
    public interface Config {
        /** Negative keys in the queue. */
        @WithDefault("4096")
        int queueSize();

        /** Key-encoder momentum at the start (rises to 1 with a cosine when the run has a planned length). */
        @WithDefault("0.99")
        double momentum();
    }

    /**
     * @param projection  projector sizes ({@code ssl.trainer.optim.projection}, default 128,64)
     * @param temperature InfoNCE's temperature ({@code ssl.trainer.optim.temperature}, default 0.2)
     * @param queueSize   negative keys in the queue ({@code ssl.trainer.moco.queue-size})
     * @param momentum    key-encoder momentum at step 0 ({@code ssl.trainer.moco.momentum}), rising to 1 over the
     *                    run's planned steps with a cosine, constant when the run has none
     */
    public record Options(List<Integer> projection, double temperature, int queueSize, double momentum) implements MethodOptions {

        public Options {
            projection = Heads.required(NAME, "projection", projection);
            if (queueSize < 1 || momentum < 0 || momentum > 1) {
                throw new IllegalArgumentException("bad moco settings: queue size " + queueSize + " (>= 1), momentum "
                        + momentum + " (0 to 1)");
            }
        }

        static Options from(MethodConfig c) {
            Config own = c.mapping(Config.class);
            return new Options(c.projection(List.of(128, 64)), c.temperature(0.2), own.queueSize(), own.momentum());
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("projection", projection);
            m.put("temperature", temperature);
            m.put("queue_size", queueSize);
            m.put("key_momentum", momentum);
            return m;
        }

        @Override
        public Method create(MethodSettings settings, NDManager manager) {
            return new MoCo(settings, this, manager);
        }
    }

    /** Archive entry of the queue. */
    public static final String QUEUE = "moco-queue.bin";

    private final Options options;

    private final Block projector;
    private final Block keyEncoder;
    private final Block keyProjector;
    private final InfoNceLoss loss;
    private final NDArray queue; // (K, P), unit rows
    private int pointer;
    private NDArray lastKeys; // (2N, P) of the current step, enqueued after the update

    MoCo(MethodSettings settings, Options options, NDManager parent) {
        super(settings, parent);
        this.options = options;
        projector = add(HEAD, () -> Encoders.mlp(options.projection()), featureShape());
        keyEncoder = addTarget("key-encoder.params", CheckpointArchive.ENCODER);
        keyProjector = addTarget("key-head.params", HEAD);
        loss = new InfoNceLoss(options.temperature());
        int dim = options.projection().get(options.projection().size() - 1);
        queue = manager.randomNormal(new Shape(options.queueSize(), dim)).normalize(2, 1, 1e-12);
    }

    @Override
    public NDArray loss(Batch batch) {
        int n = batch.samples();
        NDArray q = forward(projector, forward(encoder, batch.images())); // (2N, P)
        NDArray k;
        try (NoGrad ignored = NoGrad.enter()) {
            k = forward(keyProjector, forward(keyEncoder, batch.images())).normalize(2, 1, 1e-12); // (2N, P), no graph
        }
        lastKeys = k;
        NDArray q1 = q.get("0:" + n);
        NDArray q2 = q.get(n + ":");
        NDArray k1 = k.get("0:" + n);
        NDArray k2 = k.get(n + ":");
        return loss.apply(q1, k2, queue).add(loss.apply(q2, k1, queue)).div(2);
    }

    @Override
    public void afterUpdate(long stepsDone) {
        ema(encoder, keyEncoder, momentum(stepsDone));
        ema(projector, keyProjector, momentum(stepsDone));
        if (lastKeys != null) {
            enqueue(lastKeys);
            lastKeys = null;
        }
    }

    /** The key encoder's momentum after {@code stepsDone} updates. */
    double momentum(long stepsDone) {
        return Schedule.cosineToOne(options.momentum(), stepsDone, settings.totalSteps());
    }

    /** Writes keys into the ring from the current position, wrapping around. */
    void enqueue(NDArray keys) {
        int size = options.queueSize();
        int count = (int) Math.min(keys.getShape().get(0), size);
        try (NoGrad ignored = NoGrad.enter()) {
            int first = Math.min(count, size - pointer);
            queue.set(new NDIndex(pointer + ":" + (pointer + first)), keys.get("0:" + first));
            if (first < count) {
                queue.set(new NDIndex("0:" + (count - first)), keys.get(first + ":" + count));
            }
        }
        pointer = (pointer + count) % size;
    }

    NDArray queue() {
        return queue;
    }

    int pointer() {
        return pointer;
    }

    @Override
    public Map<String, byte[]> state() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(pointer);
            TensorIO.write(out, queue);
        }
        return Map.of(QUEUE, bytes.toByteArray());
    }

    @Override
    protected void restoreState(Path archive) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(CheckpointArchive.readEntry(archive, QUEUE)))) {
            int p = in.readInt();
            if (p < 0 || p >= options.queueSize()) {
                throw new IOException("queue position " + p + " outside a queue of " + options.queueSize());
            }
            TensorIO.readInto(in, queue, "MoCo queue");
            pointer = p;
        }
    }
}
