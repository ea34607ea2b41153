package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
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
import java.util.Map;

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

    /** Archive entry of the queue. */
    public static final String QUEUE = "moco-queue.bin";

    private final Block projector;
    private final Block keyEncoder;
    private final Block keyProjector;
    private final InfoNceLoss loss;
    private final NDArray queue; // (K, P), unit rows
    private int pointer;
    private NDArray lastKeys; // (2N, P) of the current step, enqueued after the update

    public MoCo(MethodSettings settings, NDManager parent) {
        super(settings, parent);
        projector = add(HEAD, () -> Encoders.mlp(settings.projection()), featureShape());
        keyEncoder = addTarget("key-encoder.params", CheckpointArchive.ENCODER);
        keyProjector = addTarget("key-head.params", HEAD);
        loss = new InfoNceLoss(settings.temperature());
        int dim = settings.projection().get(settings.projection().size() - 1);
        queue = manager.randomNormal(new Shape(settings.queueSize(), dim)).normalize(2, 1, 1e-12);
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
        return Schedule.cosineToOne(settings.targetMomentum(), stepsDone, settings.totalSteps());
    }

    /** Writes keys into the ring from the current position, wrapping around. */
    void enqueue(NDArray keys) {
        int size = settings.queueSize();
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
            if (p < 0 || p >= settings.queueSize()) {
                throw new IOException("queue position " + p + " outside a queue of " + settings.queueSize());
            }
            TensorIO.readInto(in, queue, "MoCo queue");
            pointer = p;
        }
    }
}
