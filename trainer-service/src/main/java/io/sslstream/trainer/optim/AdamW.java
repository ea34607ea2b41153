package io.sslstream.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.sslstream.model.NoGrad;

import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter) with decoupled weight decay on weights only (biases and BatchNorm's gamma
 * and beta are not decayed). The moment estimates are arrays this class owns, so that they can be saved
 * with a checkpoint (DJL's own optimizers keep theirs private).
 *
 * <p>Call {@link #step} after the backward pass; it updates in place under {@link NoGrad} (PyTorch forbids
 * in-place updates of leaf tensors while recording) and zeroes the gradients it consumed, since the PyTorch
 * engine accumulates them.
 */
public final class AdamW implements AutoCloseable {

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final NDManager state;
    private final List<Slot> slots = new ArrayList<>();
    private long t;

    private record Slot(String name, Parameter param, boolean decay, NDArray m, NDArray v) {
    }

    /**
     * @param params      the trainable parameters (name, parameter) of all blocks being trained
     * @param weightDecay decoupled decay per unit learning rate
     * @param manager     parent of the manager that holds the moment estimates
     */
    public AdamW(PairList<String, Parameter> params, double weightDecay, NDManager manager) {
        this(params, 0.9, 0.999, 1e-8, weightDecay, manager);
    }

    public AdamW(PairList<String, Parameter> params, double beta1, double beta2, double eps, double weightDecay, NDManager manager) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.state = manager.newSubManager();
        for (Pair<String, Parameter> p : params) {
            Parameter param = p.getValue();
            if (!param.requiresGradient()) {
                continue; // BatchNorm running statistics
            }
            NDArray w = param.getArray();
            boolean decay = param.getType() == Parameter.Type.WEIGHT;
            slots.add(new Slot(p.getKey(), param, decay, state.zeros(w.getShape(), w.getDataType()),
                    state.zeros(w.getShape(), w.getDataType())));
        }
    }

    /** One update with learning rate {@code lr}; the step's temporaries belong to the caller's scope. */
    public void step(double lr) {
        try (NoGrad ignored = NoGrad.enter()) {
            update(lr);
        }
    }

    private void update(double lr) {
        t++;
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        for (Slot s : slots) {
            NDArray w = s.param.getArray();
            NDArray g = w.getGradient(); // a new handle on the accumulated gradient
            s.m.muli(beta1).addi(g.mul(1 - beta1));
            s.v.muli(beta2).addi(g.square().muli(1 - beta2));
            NDArray update = s.m.div(s.v.div(bc2).sqrt().addi(eps)).muli(lr / bc1);
            if (s.decay && weightDecay > 0) {
                w.muli(1 - lr * weightDecay);
            }
            w.subi(update);
            g.subi(g); // zero it: the engine accumulates gradients across backward passes
        }
    }

    /** Updates done so far. */
    public long steps() {
        return t;
    }

    /** Number of parameter tensors updated. */
    public int size() {
        return slots.size();
    }

    @Override
    public void close() {
        state.close();
    }
}
