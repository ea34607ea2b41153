package io.sslstream.eval.protocol;

/**
 * A fitted multinomial logistic regression on standardised features: {@code argmax_c (W x + b)_c}.
 * Immutable: the arrays are copied in and out.
 */
public final class LinearModel {

    private final double[][] weights;
    private final double[] bias;
    private final Lbfgs.Result fit;

    LinearModel(double[][] weights, double[] bias, Lbfgs.Result fit) {
        this.weights = new double[weights.length][];
        for (int c = 0; c < weights.length; c++) {
            this.weights[c] = weights[c].clone();
        }
        this.bias = bias.clone();
        this.fit = fit;
    }

    public int classes() {
        return bias.length;
    }

    public int dim() {
        return weights[0].length;
    }

    /** Row {@code c} of {@code W}. */
    public double[] weights(int c) {
        return weights[c].clone();
    }

    public double[] bias() {
        return bias.clone();
    }

    /** The optimiser's account: iterations, evaluations, final objective, why it stopped. */
    public int iterations() {
        return fit.iterations();
    }

    public int evaluations() {
        return fit.evaluations();
    }

    /** The objective (mean cross-entropy plus penalty) at the solution. */
    public double objective() {
        return fit.value();
    }

    public Lbfgs.Stop stop() {
        return fit.stop();
    }

    /** Predicted class of every row (the first class on ties, like {@code argmax}). */
    public int[] predict(FeatureMatrix x) {
        if (x.cols() != dim()) {
            throw new IllegalArgumentException("model has " + dim() + " features, matrix has " + x.cols());
        }
        int[] out = new int[x.rows()];
        double[] row = new double[dim()];
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < row.length; j++) {
                row[j] = x.get(i, j);
            }
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < bias.length; c++) {
                double s = bias[c];
                double[] w = weights[c];
                for (int j = 0; j < row.length; j++) {
                    s += w[j] * row[j];
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** Fraction of rows predicted as their label. */
    public double accuracy(FeatureMatrix x, int[] labels) {
        if (x.rows() != labels.length) {
            throw new IllegalArgumentException(x.rows() + " rows but " + labels.length + " labels");
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("no rows to score");
        }
        int[] p = predict(x);
        int correct = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == labels[i]) {
                correct++;
            }
        }
        return (double) correct / labels.length;
    }
}
