package io.sslstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.PairList;

/**
 * SGD with momentum as {@code torch.optim.SGD} computes it (no dampening): {@code d = g + wd w} (weights only),
 * {@code buf = momentum buf + d}, then {@code w -= lr buf}, or with Nesterov {@code w -= lr (d + momentum buf)}.
 */
public final class Sgd extends Optimizer {

    public static final String NAME = "sgd";

    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;

    public Sgd(PairList<String, Parameter> params, double momentum, boolean nesterov, double weightDecay, NDManager manager) {
        super(params, 1, manager);
        if (momentum < 0 || momentum >= 1 || (nesterov && momentum == 0)) {
            throw new IllegalArgumentException("sgd needs momentum in [0, 1) (and > 0 for Nesterov), got " + momentum);
        }
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected void update(Slot s, NDArray w, NDArray g, double lr) {
        NDArray d = s.decay() && weightDecay > 0 ? g.add(w.mul(weightDecay)) : g;
        if (momentum == 0) {
            w.subi(d.mul(lr));
            return;
        }
        NDArray buf = s.state()[0];
        if (updates() == 1) {
            buf.subi(buf).addi(d); // PyTorch starts the buffer at the first gradient
        } else {
            buf.muli(momentum).addi(d);
        }
        w.subi((nesterov ? d.add(buf.mul(momentum)) : buf).mul(lr));
    }
}
