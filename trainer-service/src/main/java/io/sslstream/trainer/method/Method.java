package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.model.NoGrad;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.model.encoder.Encoders;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A self-supervised method: the networks it builds around the encoder (heads, target networks), the loss of a batch,
 * the parameters it trains, what it does after each update (EMA targets, queues), and the state a checkpoint must
 * carry. Every network is an archive entry ({@value CheckpointArchive#ENCODER} is the encoder the evaluator reads).
 *
 * <p>All arrays of a method live in its own manager, closed with it; per-step temporaries belong to the caller's
 * {@code NDScope}. Not thread-safe.
 */
public abstract class Method implements AutoCloseable {

    /** Archive entry of the projection head (the walking skeleton's name, kept). */
    public static final String HEAD = "head.params";
    public static final String PREDICTOR = "predictor.params";

    protected final MethodSettings settings;
    protected final NDManager manager;
    protected final ParameterStore params;
    protected final Block encoder;

    private record Network(Block block, Supplier<Block> factory, Shape inputShape, boolean trained) {
    }

    private final Map<String, Network> networks = new LinkedHashMap<>();

    protected Method(MethodSettings settings, NDManager parent) {
        this.settings = settings;
        this.manager = parent.newSubManager();
        this.params = new ParameterStore(manager, false);
        this.encoder = add(CheckpointArchive.ENCODER, () -> Encoders.create(settings.architecture()), imageShape());
    }

    public MethodSettings settings() {
        return settings;
    }

    public String name() {
        return settings.method();
    }

    /** The encoder under training (what the checkpoint's {@value CheckpointArchive#ENCODER} holds). */
    public Block encoder() {
        return encoder;
    }

    /** {@code (1, C, H, W)} of one input image. */
    protected Shape imageShape() {
        InputSpec in = settings.input();
        return new Shape(1, in.channels(), in.height(), in.width());
    }

    /** {@code (1, D)} of one encoder feature vector. */
    protected Shape featureShape() {
        return new Shape(1, Encoders.featureDim(settings.architecture()));
    }

    /** Builds, initialises and registers a trained network under an archive entry. */
    protected final Block add(String entry, Supplier<Block> factory, Shape inputShape) {
        return register(entry, factory, inputShape, true);
    }

    /**
     * Builds a frozen copy of a trained network (MoCo's key encoder, BYOL's target), registered under its own entry:
     * same architecture, same initial values, no gradients; updated only by {@link #ema}.
     */
    protected final Block addTarget(String entry, String onlineEntry) {
        Network online = networks.get(onlineEntry);
        Block target = register(entry, online.factory(), online.inputShape(), false);
        try (NoGrad ignored = NoGrad.enter()) {
            copy(online.block(), target);
        }
        target.freezeParameters(true);
        return target;
    }

    private Block register(String entry, Supplier<Block> factory, Shape inputShape, boolean trained) {
        if (networks.containsKey(entry)) {
            throw new IllegalStateException("entry " + entry + " registered twice");
        }
        Block b = factory.get();
        b.initialize(manager, DataType.FLOAT32, inputShape);
        networks.put(entry, new Network(b, factory, inputShape, trained));
        return b;
    }

    /** Forward pass in training mode (BatchNorm on batch statistics). */
    protected NDArray forward(Block block, NDArray x) {
        return block.forward(params, new NDList(x), true).singletonOrThrow();
    }

    /**
     * The loss of a batch: forward passes and the method's loss, inside the caller's gradient collector.
     *
     * @return a scalar
     */
    public abstract NDArray loss(Batch batch);

    /**
     * After the optimizer's update ({@code stepsDone} updates done): target-network EMA, queue updates. Runs in the
     * step's scope; arrays kept beyond it must be copied into the method's own arrays.
     */
    public void afterUpdate(long stepsDone) {
    }

    /** The parameters of the trained networks, named {@code <entry>/<parameter>}. */
    public PairList<String, Parameter> trainableParameters() {
        PairList<String, Parameter> all = new PairList<>();
        for (Map.Entry<String, Network> e : networks.entrySet()) {
            if (e.getValue().trained()) {
                String prefix = e.getKey().replace(".params", "") + "/";
                for (Pair<String, Parameter> p : e.getValue().block().getParameters()) {
                    all.add(prefix + p.getKey(), p.getValue());
                }
            }
        }
        return all;
    }

    /** Archive entry to network, the encoder first. */
    public Map<String, Block> blocks() {
        Map<String, Block> m = new LinkedHashMap<>();
        networks.forEach((k, v) -> m.put(k, v.block()));
        return Collections.unmodifiableMap(m);
    }

    /** Further archive entries of method state (MoCo's queue); written with every checkpoint. */
    public Map<String, byte[]> state() throws IOException {
        return Map.of();
    }

    /** Restores what {@link #state} wrote. */
    protected void restoreState(Path archive) throws IOException {
    }

    /**
     * Restores every network (parameters and BatchNorm running statistics) and the method state from an archive.
     * Values are copied into the live arrays, so the optimizer's references and the gradient flags stay valid; a
     * network of another shape is refused by {@link CheckpointArchive#loadParameters}.
     */
    public void restore(Path archive) throws IOException {
        try (NDManager scratch = manager.newSubManager()) {
            for (Map.Entry<String, Network> e : networks.entrySet()) {
                Network n = e.getValue();
                Block loaded = n.factory().get();
                loaded.initialize(scratch, DataType.FLOAT32, n.inputShape());
                CheckpointArchive.loadParameters(archive, e.getKey(), loaded, scratch);
                try (NoGrad ignored = NoGrad.enter()) {
                    copy(loaded, n.block());
                }
            }
        }
        restoreState(archive);
    }

    /** Copies every parameter array (running statistics included) of {@code from} into {@code to}'s arrays. */
    static void copy(Block from, Block to) {
        List<Parameter> a = new ArrayList<>(from.getParameters().values());
        List<Parameter> b = new ArrayList<>(to.getParameters().values());
        if (a.size() != b.size()) {
            throw new IllegalStateException("networks differ: " + a.size() + " and " + b.size() + " parameters");
        }
        for (int i = 0; i < a.size(); i++) {
            NDArray src = a.get(i).getArray();
            NDArray dst = b.get(i).getArray();
            if (!src.getShape().equals(dst.getShape())) {
                throw new IllegalStateException("parameter " + b.get(i).getName() + ": " + src.getShape() + " into " + dst.getShape());
            }
            dst.set(src.toByteBuffer());
        }
    }

    /**
     * {@code target = m target + (1 - m) online} for every trained parameter (BYOL's and MoCo's momentum update);
     * running statistics are the target's own. Under {@link NoGrad}.
     */
    protected static void ema(Block online, Block target, double m) {
        List<Parameter> a = new ArrayList<>(online.getParameters().values());
        List<Parameter> b = new ArrayList<>(target.getParameters().values());
        try (NoGrad ignored = NoGrad.enter()) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).requiresGradient()) {
                    b.get(i).getArray().muli(m).addi(a.get(i).getArray().mul(1 - m));
                }
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
