package io.sslstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;

/**
 * LARS (You et al.) as BYOL, Barlow Twins and solo-learn use it: for weights, {@code d = (g + wd w) * trust} with the
 * trust ratio {@code eta ||w|| / (||g|| + wd ||w|| + eps)} (1 when either norm is zero); biases and norm parameters
 * are excluded from both the decay and the adaptation ({@code d = g}). Then momentum SGD: {@code buf = m buf + d},
 * {@code w -= lr buf}.
 */
public final class Lars extends Optimizer {

    public static final String NAME = "lars";
    private static final double EPS = 1e-8;

    private final double momentum;
    private final double weightDecay;
    private final double eta;

    /**
     * @param eta trust coefficient (0.001 in BYOL and LARS, 0.02 in solo-learn's CIFAR recipes)
     */
    public Lars(PairList<String, Parameter> params, double momentum, double weightDecay, double eta, NDManager manager) {
        super(params, 1, manager);
        if (momentum < 0 || momentum >= 1 || !(eta > 0)) {
            throw new IllegalArgumentException("lars needs momentum in [0, 1) and eta > 0, got " + momentum + " and " + eta);
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.eta = eta;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The trust ratio of a weight with norm {@code wNorm} and gradient norm {@code gNorm}. */
    double trust(double wNorm, double gNorm) {
        return wNorm > 0 && gNorm > 0 ? eta * wNorm / (gNorm + weightDecay * wNorm + EPS) : 1.0;
    }

    @Override
    protected void update(Slot s, NDArray w, NDArray g, double lr) {
        NDArray d;
        if (s.decay()) {
            double ratio = trust(w.norm().getFloat(), g.norm().getFloat());
            d = (weightDecay > 0 ? g.add(w.mul(weightDecay)) : g).mul(ratio);
        } else {
            d = g;
        }
        NDArray buf = s.state()[0];
        buf.muli(momentum).addi(d);
        w.subi(buf.mul(lr));
    }
}
