package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.util.HashMap;
import java.util.Map;

/**
 * Barlow Twins: standardise each dimension of both embeddings over the batch (mean 0, biased variance 1, as the
 * paper's affine-free BatchNorm does), take their {@code (D, D)} cross-correlation {@code C = z1n^T z2n / N}, and
 * sum {@code (1 - C_ii)^2} over the diagonal plus {@code lambda C_ij^2} over the rest.
 */
public final class BarlowTwinsLoss implements AutoCloseable {

    private static final double EPS = 1e-5;

    private final double lambda;
    private final NDManager constants;
    private final Map<Long, NDArray> eyes = new HashMap<>();

    public BarlowTwinsLoss(double lambda, NDManager parent) {
        if (!(lambda >= 0)) {
            throw new IllegalArgumentException("lambda must be >= 0, got " + lambda);
        }
        this.lambda = lambda;
        this.constants = parent.newSubManager();
    }

    /** Each column of {@code (N, D)} shifted to mean 0 and scaled by {@code 1 / sqrt(var + eps)} (biased variance). */
    static NDArray standardise(NDArray z, boolean unbiased) {
        long n = z.getShape().get(0);
        NDArray centred = z.sub(z.mean(new int[]{0}, true)); // (N, D)
        NDArray var = centred.square().sum(new int[]{0}, true).div(unbiased ? n - 1 : n); // (1, D)
        return centred.div(var.add(EPS).sqrt());
    }

    /**
     * @param z1 {@code (N, D)} embeddings of the first views
     * @param z2 {@code (N, D)} embeddings of the second views
     */
    public NDArray apply(NDArray z1, NDArray z2) {
        if (!z1.getShape().equals(z2.getShape()) || z1.getShape().dimension() != 2 || z1.getShape().get(0) < 2) {
            throw new IllegalArgumentException("Barlow Twins needs two (N >= 2, D) arrays of one shape, got "
                    + z1.getShape() + " and " + z2.getShape());
        }
        long n = z1.getShape().get(0);
        long d = z1.getShape().get(1);
        NDArray c = standardise(z1, false).transpose().matMul(standardise(z2, false)).div(n); // (D, D)
        NDArray eye = eyes.computeIfAbsent(d, this::eye);
        NDArray diff = c.sub(eye); // (D, D): C_ii - 1 on the diagonal, C_ij elsewhere
        NDArray squared = diff.square();
        NDArray onDiagonal = squared.mul(eye).sum(); // sum (1 - C_ii)^2
        NDArray offDiagonal = squared.sub(squared.mul(eye)).sum(); // sum over i != j of C_ij^2
        return onDiagonal.add(offDiagonal.mul((float) lambda)); // a float: a double would promote the 0-d result to float64
    }

    private NDArray eye(long d) {
        NDArray e = constants.eye(Math.toIntExact(d));
        NDScope.unregister(e); // built inside a caller's step scope, but it must outlive it
        return e;
    }

    public double lambda() {
        return lambda;
    }

    @Override
    public void close() {
        constants.close();
    }
}
