package io.sslstream.eval.protocol;

/**
 * Per-feature standardisation with the statistics of a train split: {@code (x - mean) / max(std, minStd)},
 * where {@code std} is the unbiased sample standard deviation (PyTorch's {@code Tensor.std}, as in the peer's
 * probe). The clamp keeps constant features (a border pixel that is always 0) at 0 instead of dividing by 0.
 */
public final class Standardizer {

    /** The peer's clamp ({@code std.clamp_min(1e-6)}). */
    public static final double DEFAULT_MIN_STD = 1e-6;

    private final double[] mean;
    private final double[] std;

    private Standardizer(double[] mean, double[] std) {
        this.mean = mean;
        this.std = std;
    }

    /** Statistics of {@code train}'s columns; needs at least 2 rows for a sample standard deviation. */
    public static Standardizer fit(FeatureMatrix train, double minStd) {
        int n = train.rows();
        int d = train.cols();
        if (n < 2) {
            throw new IllegalArgumentException("standardisation needs at least 2 train rows, got " + n);
        }
        if (!(minStd > 0)) {
            throw new IllegalArgumentException("minStd must be positive, got " + minStd);
        }
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += train.get(i, j);
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        // two passes: the one-pass formula loses all digits on features with a large mean and a small spread
        double[] var = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double c = train.get(i, j) - mean[j];
                var[j] += c * c;
            }
        }
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            std[j] = Math.max(Math.sqrt(var[j] / (n - 1)), minStd);
        }
        return new Standardizer(mean, std);
    }

    public int dim() {
        return mean.length;
    }

    public double mean(int column) {
        return mean[column];
    }

    /** The clamped standard deviation of a column. */
    public double std(int column) {
        return std[column];
    }

    /** {@code x} standardised with these statistics. */
    public FeatureMatrix apply(FeatureMatrix x) {
        if (x.cols() != mean.length) {
            throw new IllegalArgumentException("standardiser fitted on " + mean.length + " features, got a matrix with "
                    + x.cols());
        }
        return x.affine(mean, std);
    }
}
