package io.sslstream.model.encoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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

    /** The reference CNN of {@code benchmarks/peer/simclr_fmnist.py}. */
    public static final String SMALL_CNN = "small-cnn";
    /** ResNet-18 with the small-image stem (3x3 conv, stride 1, no max-pool); {@value #RESNET} with other widths. */
    public static final String RESNET18 = "resnet18";
    /** A ResNet of BasicBlocks with the small-image stem, any widths and depths. */
    public static final String RESNET = "resnet";
    /** ViT-Tiny for 28x28 inputs (MAE's encoder); {@value #VIT} with another shape. */
    public static final String VIT_TINY = "vit-tiny";
    /** A Vision Transformer with mean-pooled tokens, any shape. */
    public static final String VIT = "vit";

    /** {@code -Dsslstream.relu.contiguous-grad=false} turns {@link #relu(NDArray)}'s layout fix off (for A/B timing). */
    private static final boolean CONTIGUOUS_GRAD = Boolean.parseBoolean(System.getProperty("sslstream.relu.contiguous-grad", "true"));

    private Encoders() {
    }

    /** The default small CNN: 4 conv layers 32-64-128-128, strides 1-2-1-2. */
    public static Architecture smallCnn() {
        return new Architecture(SMALL_CNN, Map.of("widths", List.of(32, 64, 128, 128), "strides", List.of(1, 2, 1, 2)));
    }

    /** The small CNN with other widths (strides 1-2-1-2): a wider last layer gives more features. */
    public static Architecture smallCnn(List<Integer> widths) {
        if (widths.size() != 4 || widths.stream().anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("small-cnn needs 4 positive widths, got " + widths);
        }
        return new Architecture(SMALL_CNN, Map.of("widths", List.copyOf(widths), "strides", List.of(1, 2, 1, 2)));
    }

    /**
     * ResNet-18 for small images: stem conv 3x3 stride 1 (no max-pool), BasicBlocks 2-2-2-2 of widths
     * 64-128-256-512, global average pooling; 512 features, 11.2 M parameters.
     */
    public static Architecture resnet18() {
        return new Architecture(RESNET18, Map.of("widths", List.of(64, 128, 256, 512), "blocks", List.of(2, 2, 2, 2),
                "stem", "small"));
    }

    /**
     * A ViT-Tiny for 28x28 images: patch 4 (a 7x7 grid of 49 tokens), width 192, 6 layers of 3 heads, MLP ratio 4,
     * fixed sine-cosine positions, mean-pooled output; 192 features, 2.7 M parameters.
     */
    public static Architecture vitTiny() {
        return new Architecture(VIT_TINY, vitParams(4, 192, 6, 3));
    }

    /** A ViT of another shape (MLP ratio 4), e.g. a narrow one for tests. */
    public static Architecture vit(int patch, int dim, int depth, int heads) {
        return new Architecture(VIT, vitParams(patch, dim, depth, heads));
    }

    /** A ResNet of BasicBlocks with the small-image stem and other widths or depths. */
    public static Architecture resnet(List<Integer> widths, List<Integer> blocks) {
        return new Architecture(RESNET, Map.of("widths", widths, "blocks", blocks, "stem", "small"));
    }

    private static Map<String, Object> vitParams(int patch, int dim, int depth, int heads) {
        return Map.of("patch", patch, "dim", dim, "depth", depth, "heads", heads, "mlp_ratio", 4.0);
    }

    /** An architecture by its configuration name: {@code small-cnn}, {@code resnet18} or {@code vit-tiny}. */
    public static Architecture named(String name) {
        return switch (name) {
            case SMALL_CNN -> smallCnn();
            case RESNET18 -> resnet18();
            case VIT_TINY -> vitTiny();
            default -> throw new IllegalArgumentException("unknown encoder '" + name + "' (known: small-cnn, resnet18, vit-tiny)");
        };
    }

    /** The encoder block of an architecture; its output is {@code (N, featureDim)}. */
    public static Block create(Architecture arch) {
        return switch (arch.name()) {
            case SMALL_CNN -> smallCnn(ints(arch, "widths"), ints(arch, "strides"));
            case RESNET18, RESNET -> ResNets.resnet(ints(arch, "widths"), ints(arch, "blocks"));
            case VIT_TINY, VIT -> new VisionTransformer(integer(arch, "patch"), integer(arch, "dim"), integer(arch, "depth"),
                    integer(arch, "heads"), number(arch, "mlp_ratio").doubleValue());
            default -> throw new IllegalArgumentException("unknown encoder architecture '" + arch.name() + "' (known: "
                    + String.join(", ", SMALL_CNN, RESNET18, RESNET, VIT_TINY, VIT) + ")");
        };
    }

    /** Dimension of the features an architecture produces. */
    public static int featureDim(Architecture arch) {
        return switch (arch.name()) {
            case SMALL_CNN, RESNET18, RESNET -> {
                List<Integer> w = ints(arch, "widths");
                yield w.get(w.size() - 1);
            }
            case VIT_TINY, VIT -> integer(arch, "dim");
            default -> throw new IllegalArgumentException("unknown encoder architecture '" + arch.name() + "'");
        };
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
                    .add(Encoders::relu);
        }
        net.add(Pool.globalAvgPool2dBlock());
        net.add(Blocks.batchFlattenBlock());
        return net;
    }

    /**
     * ReLU whose gradient reaches the layers below in PyTorch's default (NCHW-contiguous) layout: the forward pass is
     * plain {@code relu(x)} (the two reshapes are free views of a contiguous tensor); in the backward pass the view's
     * gradient is made contiguous. libtorch 2.7's backward of a strided convolution returns its input gradient in
     * another memory layout, and BatchNorm's and ReLU's backward kernels on mixed layouts are several times slower
     * (see docs/benchmarks.md). A function, not a block: the parameter files do not change.
     */
    public static NDArray relu(NDArray x) {
        if (!CONTIGUOUS_GRAD) {
            return Activation.relu(x);
        }
        return Activation.relu(x).reshape(-1).reshape(x.getShape());
    }

    /** {@link #relu(NDArray)} of a single-array list, for {@code SequentialBlock.add}. */
    public static NDList relu(NDList x) {
        return new NDList(relu(x.singletonOrThrow()));
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

    private static Number number(Architecture arch, String key) {
        Object v = arch.params().get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("architecture " + arch.name() + " needs a number '" + key + "', got " + v);
        }
        return n;
    }

    private static int integer(Architecture arch, String key) {
        return number(arch, key).intValue();
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
