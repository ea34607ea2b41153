package io.sslstream.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.sslstream.contracts.checkpoint.CheckpointManifest;
import io.sslstream.contracts.checkpoint.CheckpointManifest.InputSpec;
import io.sslstream.eval.dataset.LabelledDataset;
import io.sslstream.eval.protocol.FeatureMatrix;
import io.sslstream.model.Engines;
import io.sslstream.model.FeatureExtractor;
import io.sslstream.model.NoGrad;
import io.sslstream.model.checkpoint.CheckpointArchive;
import io.sslstream.model.encoder.Encoders;
import io.sslstream.service.fault.Failpoints;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An encoder rebuilt from a checkpoint archive ({@code manifest.json} + {@code encoder.params}) without the
 * trainer's code path, or randomly initialised with the same architecture ({@link #randomInit}), and its frozen
 * features on a dataset. Whatever is wrong with the archive surfaces from {@link #load} as an
 * {@link EvaluationFailure} with a precise reason, before any feature is computed.
 */
public final class EncoderFeatures implements AutoCloseable {

    /**
     * @param train {@code (train items, D)} features
     * @param test  {@code (test items, D)} features
     */
    public record Features(FeatureMatrix train, FeatureMatrix test) {
    }

    private final NDManager manager;
    private final Block encoder;
    private final CheckpointManifest manifest;

    private EncoderFeatures(NDManager manager, Block encoder, CheckpointManifest manifest) {
        this.manager = manager;
        this.encoder = encoder;
        this.manifest = manifest;
    }

    /**
     * Reads the manifest, checks that its input is the dataset's image shape, builds the architecture, loads the
     * parameters and runs one image through it (a shape mismatch inside the network shows up here).
     */
    public static EncoderFeatures load(Path archive, LabelledDataset dataset, Device device) {
        CheckpointManifest manifest;
        try {
            manifest = CheckpointArchive.readManifest(archive);
        } catch (IOException | IllegalArgumentException e) {
            throw new EvaluationFailure("cannot read the checkpoint archive: " + e.getMessage(), e);
        }
        return build(manifest, dataset, device, (block, m) -> CheckpointArchive.loadParameters(archive, CheckpointArchive.ENCODER,
                block, m), "cannot load " + CheckpointArchive.ENCODER + " into");
    }

    /**
     * The checkpoint's architecture with fresh parameters, initialised as the trainer initialises them, from the
     * engine's random generator seeded with {@code seed}: the same seed gives the same encoder. BatchNorm keeps its
     * initial running statistics (mean 0, variance 1), as the peer's random encoder in eval mode does.
     */
    public static EncoderFeatures randomInit(CheckpointManifest manifest, LabelledDataset dataset, Device device, int seed) {
        Engines.pytorch().setRandomSeed(seed);
        return build(manifest, dataset, device, (block, m) -> {
        }, "cannot initialise");
    }

    private interface Parameters {
        void fill(Block block, NDManager manager) throws IOException;
    }

    /**
     * Checks that the manifest's input is the dataset's image shape, builds the architecture, initialises it, lets
     * {@code parameters} overwrite what was initialised and runs one image through it (a shape mismatch inside the
     * network shows up here).
     */
    private static EncoderFeatures build(CheckpointManifest manifest, LabelledDataset dataset, Device device, Parameters parameters,
                                         String failure) {
        InputSpec in = manifest.input();
        if (in.channels() != dataset.channels() || in.height() != dataset.height() || in.width() != dataset.width()) {
            throw new EvaluationFailure("the checkpoint's encoder takes " + in.channels() + "x" + in.height() + "x" + in.width()
                    + " images, dataset " + dataset.name() + " has " + dataset.channels() + "x" + dataset.height() + "x"
                    + dataset.width());
        }
        Block block;
        try {
            block = Encoders.create(manifest.architecture());
        } catch (IllegalArgumentException e) {
            throw new EvaluationFailure("cannot build the encoder: " + e.getMessage(), e);
        }
        NDManager m = Engines.pytorch().newBaseManager(device);
        try {
            block.initialize(m, DataType.FLOAT32, new Shape(1, in.channels(), in.height(), in.width()));
            // refuses parameters whose shapes differ from the declared architecture's
            parameters.fill(block, m);
            int dim = Encoders.featureDim(manifest.architecture());
            try (NDManager probe = m.newSubManager(); NoGrad ignored = NoGrad.enter()) {
                NDArray x = probe.zeros(new Shape(1, in.channels(), in.height(), in.width()));
                NDArray f = block.forward(new ParameterStore(probe, false), new NDList(x), false).singletonOrThrow();
                if (!f.getShape().equals(new Shape(1, dim))) {
                    throw new IllegalStateException("the encoder's output has shape " + f.getShape() + ", expected (1, " + dim + ")");
                }
            }
            return new EncoderFeatures(m, block, manifest);
        } catch (IOException | RuntimeException e) {
            m.close();
            throw new EvaluationFailure(failure + " architecture " + manifest.architecture().name() + " "
                    + manifest.architecture().params() + ": " + e.getMessage(), e);
        }
    }

    public CheckpointManifest manifest() {
        return manifest;
    }

    /**
     * Features of every train and test image, in inference mode (BatchNorm on its running statistics, folded into
     * the convolutions before it: see {@link BatchNormFolding}), the input in channels-last memory order (see
     * {@link ChannelsLast}).
     */
    public Features extract(LabelledDataset dataset, int batchSize) {
        return extract(dataset, batchSize, true, true);
    }

    /**
     * As {@link #extract(LabelledDataset, int)}, with the input in channels-last order or plain NCHW, and BatchNorm
     * folded or run as it is (the same features up to float rounding either way).
     */
    public Features extract(LabelledDataset dataset, int batchSize, boolean channelsLast, boolean foldBatchNorm) {
        Block net = foldBatchNorm ? BatchNormFolding.fold(encoder, manager) : encoder;
        net = channelsLast ? new ChannelsLast(net) : net;
        FeatureExtractor fx = new FeatureExtractor(net, manifest.input(), manager, batchSize);
        FeatureMatrix train = FeatureMatrix.of(fx.extract(dataset::trainImage, dataset.trainCount()));
        Failpoints.hit("eval.during-features"); // a fault test kills the evaluator here, half-way through the features
        FeatureMatrix test = FeatureMatrix.of(fx.extract(dataset::testImage, dataset.testCount()));
        long bad = train.nonFiniteCount() + test.nonFiniteCount();
        if (bad > 0) {
            throw new EvaluationFailure("the encoder produced " + bad + " non-finite feature values (NaN or infinite) on "
                    + dataset.name() + ": the checkpoint has diverged");
        }
        return new Features(train, test);
    }

    @Override
    public void close() {
        manager.close();
    }
}
