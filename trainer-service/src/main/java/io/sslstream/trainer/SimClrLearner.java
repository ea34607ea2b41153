package io.sslstream.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.model.Engines;
import io.sslstream.model.ImageBatch;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.trainer.method.NtXentLoss;
import io.sslstream.trainer.optim.AdamW;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SimCLR on DJL: encoder + projection head, NT-Xent, AdamW. Owns all native memory of the run (parameters,
 * optimizer state, loss constants) in one manager; each step's temporaries live in an {@link NDScope} and
 * are freed when the step ends, so a long run holds a flat native footprint.
 *
 * <p>Not thread-safe; the PyTorch engine allows one gradient collector per JVM at a time.
 */
public final class SimClrLearner implements AutoCloseable {

    /** Archive entry of the projection head's parameters. */
    public static final String HEAD = "head.params";

    private final Architecture architecture;
    private final InputSpec input;
    private final NDManager manager;
    private final Engine engine;
    private final Block encoder;
    private final Block projector;
    private final NtXentLoss loss;
    private final AdamW optimizer;
    private final ParameterStore params;
    private final ImageBatch[] buffers;
    private int next;

    /**
     * @param architecture encoder architecture
     * @param input        input shape and normalisation
     * @param projection   projection head sizes
     * @param temperature  NT-Xent temperature
     * @param weightDecay  AdamW decoupled weight decay (weights only)
     * @param batchSize    images per step (two views each)
     * @param seed         parameter initialisation seed
     * @param device       CPU or GPU
     */
    public SimClrLearner(Architecture architecture, InputSpec input, List<Integer> projection, double temperature,
                         double weightDecay, int batchSize, long seed, Device device) {
        this.architecture = architecture;
        this.input = input;
        this.engine = Engines.pytorch();
        engine.setRandomSeed((int) seed);
        this.manager = engine.newBaseManager(device);
        this.encoder = Encoders.create(architecture);
        this.projector = Encoders.mlp(projection);
        encoder.initialize(manager, DataType.FLOAT32, new Shape(1, input.channels(), input.height(), input.width()));
        projector.initialize(manager, DataType.FLOAT32, new Shape(1, Encoders.featureDim(architecture)));
        this.loss = new NtXentLoss(temperature, manager);
        PairList<String, Parameter> all = new PairList<>();
        encoder.getParameters().forEach(p -> all.add("encoder." + p.getKey(), p.getValue()));
        projector.getParameters().forEach(p -> all.add("head." + p.getKey(), p.getValue()));
        this.optimizer = new AdamW(all, weightDecay, manager);
        this.params = new ParameterStore(manager, false);
        // two buffers: a tensor may share its buffer until the step that uses it is over
        this.buffers = new ImageBatch[]{new ImageBatch(input, 2 * batchSize), new ImageBatch(input, 2 * batchSize)};
    }

    /**
     * One optimisation step on a batch of two-view samples.
     *
     * @return the batch's loss before the update
     */
    public float step(List<ViewSet> batch, double learningRate) {
        ImageBatch b = buffers[next];
        next ^= 1;
        b.clear();
        for (int v = 0; v < 2; v++) { // views 1 of every sample, then views 2: rows i and i+N are a pair
            for (ViewSet vs : batch) {
                View view = vs.views().get(v);
                b.add(view.pixels(), view.height(), view.width(), view.channels());
            }
        }
        try (NDScope scope = new NDScope()) {
            NDArray x = b.toNDArray(manager); // (2N, C, H, W)
            NDArray lossValue;
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray h = encoder.forward(params, new NDList(x), true).singletonOrThrow(); // (2N, D)
                NDArray z = projector.forward(params, new NDList(h), true).singletonOrThrow(); // (2N, P)
                lossValue = loss.apply(z);
                collector.backward(lossValue);
            }
            optimizer.step(learningRate);
            return lossValue.getFloat();
        }
    }

    /** Writes a checkpoint archive: manifest, encoder and head parameters. */
    public void save(Path file, CheckpointManifest manifest) throws IOException {
        Map<String, Block> blocks = new LinkedHashMap<>();
        blocks.put(CheckpointArchive.ENCODER, encoder);
        blocks.put(HEAD, projector);
        CheckpointArchive.write(file, manifest, blocks, Map.of());
    }

    public Architecture architecture() {
        return architecture;
    }

    public InputSpec input() {
        return input;
    }

    public Device device() {
        return manager.getDevice();
    }

    @Override
    public void close() {
        loss.close();
        optimizer.close();
        manager.close();
    }
}
