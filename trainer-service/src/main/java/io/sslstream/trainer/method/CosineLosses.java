package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;

/** The cosine losses of the non-contrastive methods with a predictor; targets must come detached from the caller. */
public final class CosineLosses {

    private CosineLosses() {
    }

    /** {@code (N)} cosine similarity of corresponding rows of two {@code (N, D)} arrays. */
    static NDArray rowCosine(NDArray p, NDArray z) {
        if (!p.getShape().equals(z.getShape()) || p.getShape().dimension() != 2) {
            throw new IllegalArgumentException("need two (N, D) arrays of one shape, got " + p.getShape() + " and " + z.getShape());
        }
        return p.normalize(2, 1, 1e-12).mul(z.normalize(2, 1, 1e-12)).sum(new int[]{1}); // (N)
    }

    /** BYOL's normalised mean squared error: mean over rows of {@code ||p/|p| - z/|z|||^2 = 2 - 2 cos(p, z)}. */
    public static NDArray byol(NDArray p, NDArray z) {
        return rowCosine(p, z).mul(-2).add(2).mean();
    }

    /** SimSiam's {@code D(p, z)}: the negative mean cosine similarity. */
    public static NDArray negativeCosine(NDArray p, NDArray z) {
        return rowCosine(p, z).mean().neg();
    }
}
