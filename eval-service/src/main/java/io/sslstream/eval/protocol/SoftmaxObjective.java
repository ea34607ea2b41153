package io.sslstream.eval.protocol;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.sslstream.model.Engines;

/**
 * The objective of multinomial logistic regression, as the peer's probe writes it:
 * {@code mean_i CE(W x_i + b, y_i) + 0.5 * wd * ||W||^2} (no penalty on {@code b}), with its gradient written out
 * (no autograd, so no {@code GradientCollector}):
 * {@code G = (softmax(Z) - Y) / N}, {@code dW = G^T X + wd W}, {@code db = sum_i G_i}.
 *
 * <p>The two {@code N x D x K} matmuls run on libtorch; everything of size {@code K x D} stays in Java doubles.
 * The parameter vector is {@code W} row-major ({@code K x D}) followed by {@code b} ({@code K}).
 * Float32 is the production precision (the peer's); float64 lets tests check the gradient to many digits.
 */
final class SoftmaxObjective implements DifferentiableFunction, AutoCloseable {

    private final NDManager manager;
    private final DataType dtype;
    private final NDArray xt; // (D, N) transposed view of the features
    private final NDArray x; // (N, D)
    private final NDArray yt; // (K, N) one-hot targets
    private final int n;
    private final int d;
    private final int k;
    private final double weightDecay;

    /**
     * @param features    {@code (N, D)} inputs (standardised by the caller)
     * @param labels      {@code N} labels in {@code [0, classes)}
     * @param classes     {@code K}
     * @param weightDecay {@code wd} of the L2 penalty on {@code W}
     * @param device      where the matmuls run
     * @param dtype       {@link DataType#FLOAT32} or {@link DataType#FLOAT64}
     */
    SoftmaxObjective(FeatureMatrix features, int[] labels, int classes, double weightDecay, Device device, DataType dtype) {
        if (features.rows() != labels.length) {
            throw new IllegalArgumentException(features.rows() + " feature rows but " + labels.length + " labels");
        }
        if (features.rows() == 0) {
            throw new IllegalArgumentException("no training rows");
        }
        if (dtype != DataType.FLOAT32 && dtype != DataType.FLOAT64) {
            throw new IllegalArgumentException("dtype must be float32 or float64, got " + dtype);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        this.n = features.rows();
        this.d = features.cols();
        this.k = classes;
        this.weightDecay = weightDecay;
        this.dtype = dtype;
        float[] onehot = new float[Math.multiplyExact(k, n)];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " outside [0, " + k + ")");
            }
            onehot[labels[i] * n + i] = 1f;
        }
        this.manager = Engines.pytorch().newBaseManager(device);
        NDArray x32 = features.toNDArray(manager);
        NDArray y32 = manager.create(onehot, new Shape(k, n));
        if (dtype == DataType.FLOAT32) {
            this.x = x32;
            this.yt = y32;
        } else {
            this.x = x32.toType(dtype, false);
            this.yt = y32.toType(dtype, false);
            x32.close();
            y32.close();
        }
        this.xt = x.transpose();
    }

    /** Length of the parameter vector: {@code K * D + K}. */
    int dimension() {
        return k * d + k;
    }

    @Override
    public double evaluate(double[] theta, double[] grad) {
        if (theta.length != dimension() || grad.length != dimension()) {
            throw new IllegalArgumentException("parameters and gradient need " + dimension() + " values (K=" + k + ", D=" + d
                    + "), got " + theta.length + " and " + grad.length);
        }
        double penalty = 0;
        for (int i = 0; i < k * d; i++) {
            penalty += theta[i] * theta[i];
        }
        // every per-call array is the first operand of its op, so that results land in this call's sub-manager
        try (NDManager step = manager.newSubManager()) {
            NDArray w = create(step, theta, 0, k * d, new Shape(k, d)); // (K, D)
            NDArray b = create(step, theta, k * d, k, new Shape(k, 1)); // (K, 1)
            NDArray logits = w.matMul(xt).add(b); // (K, N)
            NDArray logp = logits.logSoftmax(0); // (K, N), over classes
            double nll = -logp.mul(yt).sum().toType(DataType.FLOAT64, false).getDouble() / n;
            NDArray g = logp.exp().sub(yt).div(n); // (K, N) = (softmax - onehot) / N
            double[] dw = doubles(g.matMul(x)); // (K, D)
            double[] db = doubles(g.sum(new int[]{1})); // (K)
            for (int i = 0; i < k * d; i++) {
                grad[i] = dw[i] + weightDecay * theta[i];
            }
            System.arraycopy(db, 0, grad, k * d, k);
            return nll + 0.5 * weightDecay * penalty;
        }
    }

    private NDArray create(NDManager m, double[] theta, int from, int length, Shape shape) {
        if (dtype == DataType.FLOAT64) {
            double[] v = new double[length];
            System.arraycopy(theta, from, v, 0, length);
            return m.create(v, shape);
        }
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = (float) theta[from + i];
        }
        return m.create(v, shape);
    }

    private static double[] doubles(NDArray a) {
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        float[] f = a.toFloatArray();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /** Arrays held by this objective's manager; constant over calls when per-call memory is released. */
    int managedArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        manager.close();
    }
}
