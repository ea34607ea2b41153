package io.sslstream.eval.protocol;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;

/**
 * The linear probe: multinomial logistic regression fitted by full-batch L-BFGS from {@code W = 0, b = 0} on
 * features the caller has standardised (see {@link Standardizer}), exactly like the peer's
 * {@code linear_probe} in {@code benchmarks/peer/probe_features.py}.
 */
public final class LinearProbe {

    /**
     * @param weightDecay {@code wd} of {@code 0.5 * wd * ||W||^2}
     * @param lbfgs       optimiser settings
     * @param device      where the matmuls run
     * @param dtype       {@link DataType#FLOAT32} (the peer's) or {@link DataType#FLOAT64}
     */
    public record Options(double weightDecay, Lbfgs.Options lbfgs, Device device, DataType dtype) {
        /** The peer's settings on the CPU in float32: wd 1e-4, 300 iterations, history 20. */
        public static Options defaults() {
            return new Options(1e-4, Lbfgs.Options.defaults(), Device.cpu(), DataType.FLOAT32);
        }
    }

    private final Options options;

    public LinearProbe(Options options) {
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /**
     * Fits the probe.
     *
     * @param x       {@code (N, D)} standardised features
     * @param labels  {@code N} labels in {@code [0, classes)}
     * @param classes number of classes {@code K}
     */
    public LinearModel fit(FeatureMatrix x, int[] labels, int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("a probe needs at least 2 classes, got " + classes);
        }
        try (SoftmaxObjective objective = new SoftmaxObjective(x, labels, classes, options.weightDecay(), options.device(),
                options.dtype())) {
            Lbfgs.Result r = new Lbfgs(options.lbfgs()).minimize(objective, new double[objective.dimension()]);
            double[] theta = r.x();
            int d = x.cols();
            double[][] w = new double[classes][d];
            for (int c = 0; c < classes; c++) {
                System.arraycopy(theta, c * d, w[c], 0, d);
            }
            double[] b = new double[classes];
            System.arraycopy(theta, classes * d, b, 0, classes);
            return new LinearModel(w, b, r);
        }
    }
}
