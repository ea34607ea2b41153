package io.sslstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.PairList;

/**
 * AdamW (Loshchilov and Hutter): PyTorch's {@code torch.optim.AdamW} update with decoupled weight decay on weights
 * only. Each parameter is updated by one native call (libtorch's fused update that DJL ships), not a dozen: the
 * bias corrections are folded into its step size and epsilon, which gives exactly PyTorch's formula
 * {@code w -= lr / bc1 * m / (sqrt(v / bc2) + eps)}.
 */
public final class AdamW extends Optimizer {

    public static final String NAME = "adamw";

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;

    public AdamW(PairList<String, Parameter> params, double weightDecay, NDManager manager) {
        this(params, 0.9, 0.999, 1e-8, weightDecay, manager);
    }

    public AdamW(PairList<String, Parameter> params, double beta1, double beta2, double eps, double weightDecay, NDManager manager) {
        super(params, 2, manager);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected void update(Slot s, NDArray w, NDArray g, double lr) {
        long t = updates();
        double bc1 = 1 - Math.pow(beta1, t);
        double sqrtBc2 = Math.sqrt(1 - Math.pow(beta2, t));
        // w -= lr * wd * w; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= (lr sqrt(bc2) / bc1) m / (sqrt(v) + eps sqrt(bc2))
        JniUtils.adamUpdate((PtNDArray) w, (PtNDArray) g, (PtNDArray) s.state()[0], (PtNDArray) s.state()[1],
                (float) lr, (float) (lr * sqrtBc2 / bc1), s.decay() ? (float) weightDecay : 0f, 1f, -1f,
                (float) beta1, (float) beta2, (float) (eps * sqrtBc2), true);
    }
}
