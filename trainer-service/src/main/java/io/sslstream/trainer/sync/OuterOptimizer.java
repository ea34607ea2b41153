package io.sslstream.trainer.sync;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * DiLoCo's outer step, the same on every replica: for each trained tensor, with {@code g} the mean pseudo-gradient
 * (start-of-round weights minus local weights, averaged over the round's replicas) and {@code v} the momentum buffer,
 * Nesterov SGD as PyTorch's {@code SGD(nesterov=True)} defines it:
 * <pre>
 *   v = momentum * v + g
 *   w = start - lr * (g + momentum * v)
 * </pre>
 * Tensors that are not trained by gradients (BatchNorm running statistics, BYOL's and MoCo's target networks) take
 * the replicas' mean: {@code w = start - g}.
 *
 * <p>Plain float arithmetic in a fixed order, element by element, in Java: every replica, on any hardware, computes
 * bit-identical weights from the same inputs, which is what the per-round weight hash checks.
 */
public final class OuterOptimizer {

    private final double learningRate;
    private final double momentum;
    private final boolean[] trained;
    private final float[][] velocity;

    /**
     * @param sizes   elements of each tensor, in {@link Weights} order
     * @param trained whether each tensor takes the Nesterov step (else the mean)
     */
    public OuterOptimizer(double learningRate, double momentum, int[] sizes, boolean[] trained) {
        if (!(learningRate > 0) || momentum < 0 || momentum >= 1) {
            throw new IllegalArgumentException("outer learning rate must be > 0 and momentum in [0, 1): " + learningRate + ", " + momentum);
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.trained = trained.clone();
        this.velocity = new float[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            velocity[i] = trained[i] ? new float[sizes[i]] : new float[0];
        }
    }

    /**
     * The mean of the replicas' pseudo-gradients, summed in the order given (replica id order) and divided by their
     * number.
     */
    public static float[][] mean(java.util.List<float[][]> deltas) {
        int n = deltas.size();
        if (n == 0) {
            throw new IllegalArgumentException("no pseudo-gradient to average");
        }
        float[][] first = deltas.get(0);
        float[][] sum = new float[first.length][];
        for (int t = 0; t < first.length; t++) {
            float[] s = first[t].clone();
            for (int r = 1; r < n; r++) {
                float[] d = deltas.get(r)[t];
                for (int i = 0; i < s.length; i++) {
                    s[i] += d[i];
                }
            }
            for (int i = 0; i < s.length; i++) {
                s[i] /= n;
            }
            sum[t] = s;
        }
        return sum;
    }

    /** Applies the outer step to {@code start} in place (it becomes the new outer weights); updates the momentum. */
    public void step(float[][] start, float[][] meanDelta) {
        float lr = (float) learningRate;
        float mu = (float) momentum;
        for (int t = 0; t < start.length; t++) {
            float[] w = start[t];
            float[] g = meanDelta[t];
            if (g.length != w.length) {
                throw new IllegalArgumentException("tensor " + t + ": " + g.length + " pseudo-gradient values for " + w.length + " weights");
            }
            if (trained[t]) {
                float[] v = velocity[t];
                for (int i = 0; i < w.length; i++) {
                    v[i] = mu * v[i] + g[i];
                    w[i] = w[i] - lr * (g[i] + mu * v[i]);
                }
            } else {
                for (int i = 0; i < w.length; i++) {
                    w[i] = w[i] - g[i];
                }
            }
        }
    }

    /** The momentum buffers (for checkpoints). */
    public void save(DataOutputStream out) throws IOException {
        out.writeInt(velocity.length);
        for (float[] v : velocity) {
            out.writeInt(v.length);
            for (float x : v) {
                out.writeFloat(x);
            }
        }
    }

    /** Restores what {@link #save} wrote; refuses buffers of other sizes. */
    public void load(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n != velocity.length) {
            throw new IOException("outer optimizer state for " + n + " tensors, the model has " + velocity.length);
        }
        for (int t = 0; t < n; t++) {
            int len = in.readInt();
            if (len != velocity[t].length) {
                throw new IOException("outer momentum of tensor " + t + " has " + len + " values, expected " + velocity[t].length);
            }
            for (int i = 0; i < len; i++) {
                velocity[t][i] = in.readFloat();
            }
        }
    }

    /** Momentum buffer of tensor {@code t} (empty for averaged tensors); for tests. */
    float[] velocity(int t) {
        return velocity[t];
    }
}
