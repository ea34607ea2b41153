package io.sslstream.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Optional;

/**
 * An inference copy of an encoder in which every {@code Conv2d} directly followed by a {@code BatchNorm} in a
 * {@code SequentialBlock} becomes one convolution with a bias. In inference mode BatchNorm is a fixed affine map per
 * channel, so with {@code s = gamma / sqrt(runningVar + eps)}: {@code W' = W * s} (per output channel) and
 * {@code b' = beta + (b - runningMean) * s} give the same outputs up to float rounding, without a pass over every
 * activation. Measured on the small CNN: about 15% less CPU for the features (see docs/benchmarks.md).
 *
 * <p>Only for inference: the copy shares the other blocks with the original and its folded parameters live in the
 * given manager. Pairs inside other kinds of blocks (a residual unit's parallel branches) are left as they are, as
 * is a BatchNorm whose settings cannot be read.
 *
 * <p><b>Why reflection.</b> The four arrays come through DJL's public API ({@code getParameters()} by name:
 * {@code gamma}, {@code beta}, {@code runningMean}, {@code runningVar}). The two settings do not: DJL 0.36's
 * {@code BatchNorm} keeps {@code epsilon} and {@code axis} in private fields with no getter, its builder hands them
 * only to the constructor, and its saved metadata ({@code saveMetadata}: input shapes and channel count) holds
 * neither, so no public call yields them. Assuming DJL's default epsilon would fold an encoder built with another one
 * wrong, and inferring it from outputs would be imprecise, so {@link #settings(BatchNorm)} reads the fields
 * {@value #EPSILON_FIELD} and {@value #AXIS_FIELD}. If a DJL upgrade renames them, folding silently stops (the
 * features stay right, only slower): {@code BatchNormFoldingTest} pins the fields and fails naming the DJL version.
 */
final class BatchNormFolding {

    /** Private field of DJL's {@code BatchNorm} (a {@code float}) holding the variance epsilon. */
    static final String EPSILON_FIELD = "epsilon";
    /** Private field of DJL's {@code BatchNorm} (an {@code int}) holding the channel axis. */
    static final String AXIS_FIELD = "axis";

    /** What a BatchNorm folds with besides its four arrays; see the class comment for why it is read reflectively. */
    record Settings(float epsilon, int axis) {
    }

    private BatchNormFolding() {
    }

    /** The folded copy, or {@code block} itself when nothing can be folded. */
    static Block fold(Block block, NDManager manager) {
        if (!(block instanceof SequentialBlock seq)) {
            return block;
        }
        List<Block> children = seq.getChildren().values();
        SequentialBlock out = new SequentialBlock();
        boolean changed = false;
        for (int i = 0; i < children.size(); i++) {
            Block c = children.get(i);
            Block next = i + 1 < children.size() ? children.get(i + 1) : null;
            Block folded = c instanceof Conv2d conv && next instanceof BatchNorm bn ? folded(conv, bn, manager) : null;
            if (folded != null) {
                out.add(folded);
                i++;
                changed = true;
            } else {
                Block inner = fold(c, manager);
                changed |= inner != c;
                out.add(inner);
            }
        }
        return changed ? out : block;
    }

    /** One convolution with bias doing what {@code conv} then {@code bn} do in inference, or null if {@code bn} cannot be read. */
    static Conv2d folded(Conv2d conv, BatchNorm bn, NDManager manager) {
        Settings settings = settings(bn).orElse(null);
        Parameter weight = conv.getParameters().get("weight");
        Parameter mean = bn.getParameters().get("runningMean");
        Parameter var = bn.getParameters().get("runningVar");
        if (settings == null || settings.axis() != 1 || weight == null || mean == null || var == null
                || !weight.isInitialized() || !mean.isInitialized() || !var.isInitialized()) {
            return null;
        }
        float eps = settings.epsilon();
        Parameter gamma = bn.getParameters().get("gamma");
        Parameter beta = bn.getParameters().get("beta");
        Parameter bias = conv.isIncludeBias() ? conv.getParameters().get("bias") : null;
        try (NDManager tmp = manager.newSubManager()) {
            NDArray w = weight.getArray(); // (out, in / groups, kh, kw)
            long out = w.getShape().get(0);
            NDArray s = tmp.ones(mean.getArray().getShape()).mul(var.getArray().add(eps).sqrt().pow(-1)); // (out)
            if (gamma != null && gamma.isInitialized()) {
                s = s.mul(gamma.getArray());
            }
            NDArray shift = bias != null ? bias.getArray().sub(mean.getArray()) : mean.getArray().neg(); // (out)
            NDArray b = shift.mul(s);
            if (beta != null && beta.isInitialized()) {
                b = b.add(beta.getArray());
            }
            NDArray w2 = w.mul(s.reshape(out, 1, 1, 1));
            w2.attach(manager);
            b.attach(manager);
            Conv2d c = Conv2d.builder()
                    .setKernelShape(conv.getKernelShape())
                    .setFilters(conv.getFilters())
                    .optStride(conv.getStride())
                    .optPadding(conv.getPadding())
                    .optDilation(conv.getDilation())
                    .optGroups(conv.getGroups())
                    .optBias(true)
                    .build();
            c.getParameters().get("weight").setArray(w2);
            c.getParameters().get("bias").setArray(b);
            return c;
        }
    }

    /**
     * The BatchNorm's epsilon and axis, or empty when DJL's private fields are not there (another DJL version) or
     * {@code bn} is a subclass (its fields are declared on {@code BatchNorm}, and its forward pass may differ).
     */
    static Optional<Settings> settings(BatchNorm bn) {
        try {
            Field eps = bn.getClass().getDeclaredField(EPSILON_FIELD);
            Field axis = bn.getClass().getDeclaredField(AXIS_FIELD);
            eps.setAccessible(true);
            axis.setAccessible(true);
            return Optional.of(new Settings(eps.getFloat(bn), axis.getInt(bn)));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
