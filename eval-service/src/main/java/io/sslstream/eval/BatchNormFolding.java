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
 */
final class BatchNormFolding {

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
        Float eps = floatField(bn, "epsilon");
        Integer axis = intField(bn, "axis");
        Parameter weight = conv.getParameters().get("weight");
        Parameter mean = bn.getParameters().get("runningMean");
        Parameter var = bn.getParameters().get("runningVar");
        if (eps == null || axis == null || axis != 1 || weight == null || mean == null || var == null
                || !weight.isInitialized() || !mean.isInitialized() || !var.isInitialized()) {
            return null;
        }
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

    private static Float floatField(Object o, String name) {
        try {
            Field f = o.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.getFloat(o);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Integer intField(Object o, String name) {
        try {
            Field f = o.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.getInt(o);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
