package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;

/**
 * MoCo's InfoNCE: for each query, the cross-entropy of picking its own key among that key and the queue of negative
 * keys, on cosine similarities divided by the temperature. Queries and keys are L2-normalised here; the queue is
 * expected normalised (MoCo keeps it so).
 */
public final class InfoNceLoss {

    private final double temperature;

    public InfoNceLoss(double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
        this.temperature = temperature;
    }

    /**
     * @param q     {@code (N, D)} queries
     * @param k     {@code (N, D)} positive keys (no gradient)
     * @param queue {@code (K, D)} negative keys, unit rows
     * @return scalar mean loss
     */
    public NDArray apply(NDArray q, NDArray k, NDArray queue) {
        if (!q.getShape().equals(k.getShape()) || q.getShape().dimension() != 2 || queue.getShape().get(1) != q.getShape().get(1)) {
            throw new IllegalArgumentException("InfoNCE needs q and k of one (N, D) shape and a (K, D) queue, got "
                    + q.getShape() + ", " + k.getShape() + ", " + queue.getShape());
        }
        NDArray qn = q.normalize(2, 1, 1e-12); // (N, D)
        NDArray kn = k.normalize(2, 1, 1e-12); // (N, D)
        NDArray positive = qn.mul(kn).sum(new int[]{1}, true); // (N, 1)
        NDArray negative = qn.matMul(queue.transpose()); // (N, K)
        NDArray logits = positive.concat(negative, 1).div(temperature); // (N, 1 + K)
        return logits.logSoftmax(1).get(":, 0").mean().neg(); // mean of -log p(own key)
    }

    public double temperature() {
        return temperature;
    }
}
