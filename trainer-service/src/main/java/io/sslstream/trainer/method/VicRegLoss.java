package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.util.HashMap;
import java.util.Map;

/**
 * VICReg (Bardes, Ponce and LeCun), as in the authors' code:
 * {@code sim * mse(z1, z2) + var * (mean(relu(1 - std(z1))) + mean(relu(1 - std(z2)))) / 2
 * + cov * (offdiag(cov(z1))^2 + offdiag(cov(z2))^2) / D}, with {@code std = sqrt(var + 1e-4)} and
 * {@code cov = zc^T zc / (N - 1)} of the centred embeddings (unbiased variance).
 */
public final class VicRegLoss implements AutoCloseable {

    private static final double EPS = 1e-4;

    private final double sim;
    private final double var;
    private final double cov;
    private final NDManager constants;
    private final Map<Long, NDArray> offDiagonalMasks = new HashMap<>();

    public VicRegLoss(double sim, double var, double cov, NDManager parent) {
        if (sim < 0 || var < 0 || cov < 0) {
            throw new IllegalArgumentException("VICReg coefficients must be >= 0, got " + sim + ", " + var + ", " + cov);
        }
        this.sim = sim;
        this.var = var;
        this.cov = cov;
        this.constants = parent.newSubManager();
    }

    /** The three terms, unweighted: invariance, variance, covariance. */
    public NDArray[] terms(NDArray z1, NDArray z2) {
        if (!z1.getShape().equals(z2.getShape()) || z1.getShape().dimension() != 2 || z1.getShape().get(0) < 2) {
            throw new IllegalArgumentException("VICReg needs two (N >= 2, D) arrays of one shape, got " + z1.getShape() + " and " + z2.getShape());
        }
        long n = z1.getShape().get(0);
        long d = z1.getShape().get(1);
        NDArray invariance = z1.sub(z2).square().mean();
        NDArray c1 = z1.sub(z1.mean(new int[]{0}, true)); // (N, D) centred
        NDArray c2 = z2.sub(z2.mean(new int[]{0}, true));
        NDArray std1 = c1.square().sum(new int[]{0}).div(n - 1).add(EPS).sqrt(); // (D)
        NDArray std2 = c2.square().sum(new int[]{0}).div(n - 1).add(EPS).sqrt();
        NDArray variance = std1.neg().add(1).maximum(0).mean().add(std2.neg().add(1).maximum(0).mean()).div(2);
        NDArray mask = offDiagonalMasks.computeIfAbsent(d, this::offDiagonal);
        NDArray cov1 = c1.transpose().matMul(c1).div(n - 1); // (D, D)
        NDArray cov2 = c2.transpose().matMul(c2).div(n - 1);
        NDArray covariance = cov1.square().mul(mask).sum().add(cov2.square().mul(mask).sum()).div(d);
        return new NDArray[]{invariance, variance, covariance};
    }

    public NDArray apply(NDArray z1, NDArray z2) {
        NDArray[] t = terms(z1, z2);
        return t[0].mul((float) sim).add(t[1].mul((float) var)).add(t[2].mul((float) cov)); // floats: doubles would promote the 0-d terms to float64
    }

    private NDArray offDiagonal(long d) {
        NDArray m = constants.ones(new ai.djl.ndarray.types.Shape(d, d)).sub(constants.eye(Math.toIntExact(d)));
        NDScope.unregister(m);
        return m;
    }

    @Override
    public void close() {
        constants.close();
    }
}
