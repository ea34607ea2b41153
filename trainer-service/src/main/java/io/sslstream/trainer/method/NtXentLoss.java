package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

import java.util.HashMap;
import java.util.Map;

/**
 * SimCLR's NT-Xent loss over {@code 2N} projections where rows {@code i} and {@code i + N} are the two views
 * of one image: the mean over all {@code 2N} anchors of the cross-entropy of picking the positive among the
 * other {@code 2N - 1} rows, with cosine similarity divided by the temperature.
 *
 * <p>The diagonal mask and the one-hot targets depend only on {@code N}; they are built once per batch size
 * in this loss's own manager.
 */
public final class NtXentLoss implements AutoCloseable {

    private static final float MASK = 1e9f;

    private final double temperature;
    private final NDManager constants;
    private final Map<Long, NDArray[]> byRows = new HashMap<>();

    public NtXentLoss(double temperature, NDManager parent) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
        this.temperature = temperature;
        this.constants = parent.newSubManager();
    }

    /**
     * @param z {@code (2N, D)} projections, views 1 in rows {@code 0..N-1}, views 2 in rows {@code N..2N-1}
     * @return scalar loss
     */
    public NDArray apply(NDArray z) {
        long rows = z.getShape().get(0);
        if (rows < 2 || rows % 2 != 0) {
            throw new IllegalArgumentException("NT-Xent needs an even number (>= 2) of rows, got shape " + z.getShape());
        }
        NDArray[] c = byRows.computeIfAbsent(rows, this::constants);
        NDArray zn = z.normalize(2, 1, 1e-12); // (2N, D), unit rows
        NDArray sim = zn.matMul(zn.transpose()).div(temperature); // (2N, 2N) cosine / t
        NDArray logProb = sim.sub(c[0]).logSoftmax(1); // self-similarity masked out
        return logProb.mul(c[1]).sum().div(-rows); // mean over anchors of -log p(positive)
    }

    private NDArray[] constants(long rows) {
        int n2 = Math.toIntExact(rows);
        int n = n2 / 2;
        float[] targets = new float[n2 * n2];
        for (int i = 0; i < n2; i++) {
            targets[i * n2 + (i + n) % n2] = 1f;
        }
        NDArray diag = constants.eye(n2).mul(MASK);
        NDArray onehot = constants.create(targets, new Shape(n2, n2));
        // built inside a caller's step scope, but they must outlive it
        NDScope.unregister(diag, onehot);
        return new NDArray[]{diag, onehot};
    }

    public double temperature() {
        return temperature;
    }

    @Override
    public void close() {
        constants.close();
    }
}
