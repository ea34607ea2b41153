package io.sslstream.model.encoder;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import io.sslstream.contracts.checkpoint.CheckpointManifest.Architecture;

import java.util.List;
import java.util.Map;

/**
 * Encoder architectures by name, built from a checkpoint manifest's {@link Architecture}, so that the
 * evaluator rebuilds exactly what the trainer trained.
 */
public final class Encoders {

    /** The reference CNN of {@code ../shared/bench/simclr_fmnist.py}. */
    public static final String SMALL_CNN = "small-cnn";

    private Encoders() {
    }

    /** The default small CNN: 4 conv layers 32-64-128-128, strides 1-2-1-2. */
    public static Architecture smallCnn() {
        return new Architecture(SMALL_CNN, Map.of("widths", List.of(32, 64, 128, 128), "strides", List.of(1, 2, 1, 2)));
    }

    /** The encoder block of an architecture; its output is {@code (N, featureDim)}. */
    public static Block create(Architecture arch) {
        if (SMALL_CNN.equals(arch.name())) {
            return smallCnn(ints(arch, "widths"), ints(arch, "strides"));
        }
        throw new IllegalArgumentException("unknown encoder architecture '" + arch.name() + "' (known: " + SMALL_CNN + ")");
    }

    /** Dimension of the features an architecture produces. */
    public static int featureDim(Architecture arch) {
        if (SMALL_CNN.equals(arch.name())) {
            List<Integer> w = ints(arch, "widths");
            return w.get(w.size() - 1);
        }
        throw new IllegalArgumentException("unknown encoder architecture '" + arch.name() + "'");
    }

    /**
     * Conv 3x3 (no bias) + BatchNorm + ReLU per layer, then global average pooling.
     * Input {@code (N, C, H, W)}, output {@code (N, widths[last])}.
     */
    static Block smallCnn(List<Integer> widths, List<Integer> strides) {
        if (widths.isEmpty() || widths.size() != strides.size()) {
            throw new IllegalArgumentException("small-cnn needs as many strides as widths, got " + widths + " and " + strides);
        }
        SequentialBlock net = new SequentialBlock();
        for (int i = 0; i < widths.size(); i++) {
            int s = strides.get(i);
            net.add(Conv2d.builder()
                            .setKernelShape(new Shape(3, 3))
                            .setFilters(widths.get(i))
                            .optStride(new Shape(s, s))
                            .optPadding(new Shape(1, 1))
                            .optBias(false)
                            .build())
                    // DJL's momentum is the weight of the running value: 0.9 here is PyTorch's momentum=0.1
                    .add(BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build())
                    .add(Activation::relu);
        }
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Blocks.batchFlattenBlock());
        return net;
    }

    /** An MLP head: Linear-ReLU pairs for all but the last size, then a plain Linear. */
    public static Block mlp(List<Integer> sizes) {
        SequentialBlock head = new SequentialBlock();
        for (int i = 0; i < sizes.size(); i++) {
            head.add(Linear.builder().setUnits(sizes.get(i)).build());
            if (i < sizes.size() - 1) {
                head.add(Activation::relu);
            }
        }
        return head;
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> ints(Architecture arch, String key) {
        Object v = arch.params().get(key);
        if (!(v instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException("architecture " + arch.name() + " needs a non-empty list '" + key + "', got " + v);
        }
        return ((List<Number>) list).stream().map(Number::intValue).toList();
    }
}
