package io.sslstream.eval.protocol;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.sslstream.model.Engines;

/**
 * Weighted k-nearest-neighbour classification on L2-normalised features (InstDisc, solo-learn, lightly): each of
 * the {@code k} train rows most cosine-similar to a test row votes for its class with weight {@code exp(sim / T)};
 * the class with the largest sum wins (the lowest class on ties). Same formula as the peer's {@code knn}.
 *
 * <p>The {@code (test x train)} similarity matrix is never whole: it is computed by libtorch for blocks of
 * {@code chunkRows} test rows, each block's memory released before the next.
 */
public final class KnnClassifier {

    /** Rows are divided by {@code max(||x||, EPS)}, as {@code F.normalize} does. */
    static final double EPS = 1e-12;

    private final Device device;
    private final int chunkRows;

    /**
     * @param device    where the similarities are computed
     * @param chunkRows test rows per block ({@code chunkRows x trainRows} floats are alive at once)
     */
    public KnnClassifier(Device device, int chunkRows) {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be >= 1, got " + chunkRows);
        }
        this.device = device;
        this.chunkRows = chunkRows;
    }

    /**
     * @param k           neighbours that vote
     * @param temperature {@code T} of the vote weights
     * @param correct     test rows classified correctly
     * @param total       test rows
     */
    public record Result(int k, double temperature, int correct, int total) {
        public double accuracy() {
            return (double) correct / total;
        }
    }

    /** Classifies every test row and counts the correct ones. */
    public Result evaluate(FeatureMatrix train, int[] trainLabels, FeatureMatrix test, int[] testLabels, int k, double temperature) {
        if (test.rows() != testLabels.length) {
            throw new IllegalArgumentException(test.rows() + " test rows but " + testLabels.length + " test labels");
        }
        if (test.rows() == 0) {
            throw new IllegalArgumentException("no test rows");
        }
        int[] p = predict(train, trainLabels, test, k, temperature);
        int correct = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == testLabels[i]) {
                correct++;
            }
        }
        return new Result(k, temperature, correct, p.length);
    }

    /** The predicted class of every test row. */
    public int[] predict(FeatureMatrix train, int[] trainLabels, FeatureMatrix test, int k, double temperature) {
        if (train.rows() != trainLabels.length) {
            throw new IllegalArgumentException(train.rows() + " train rows but " + trainLabels.length + " train labels");
        }
        if (train.cols() != test.cols()) {
            throw new IllegalArgumentException("train features have " + train.cols() + " dimensions, test features " + test.cols());
        }
        if (k < 1 || k > train.rows()) {
            throw new IllegalArgumentException("k must be in [1, " + train.rows() + "] (the train rows), got " + k);
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
        int classes = 0;
        for (int y : trainLabels) {
            if (y < 0) {
                throw new IllegalArgumentException("negative label " + y);
            }
            classes = Math.max(classes, y + 1);
        }
        int[] out = new int[test.rows()];
        try (NDManager m = Engines.pytorch().newBaseManager(device)) {
            NDArray raw = train.toNDArray(m);
            NDArray bank = raw.normalize(2, 1, EPS); // (N, D), unit rows
            raw.close();
            NDArray bankT = bank.transpose(); // (D, N)
            double[] votes = new double[classes];
            for (int start = 0; start < test.rows(); start += chunkRows) {
                int end = Math.min(test.rows(), start + chunkRows);
                int rows = end - start;
                try (NDManager block = m.newSubManager()) {
                    NDArray q = FeatureMatrix.wrap(test.rowRange(start, end), rows, test.cols())
                            .toNDArray(block).normalize(2, 1, EPS); // (B, D)
                    NDArray sim = q.matMul(bankT); // (B, N) cosine similarities
                    NDList top = sim.topK(k, 1, true, true); // values (B, k), indices (B, k) int64
                    float[] sims = top.get(0).toFloatArray();
                    long[] idx = top.get(1).toLongArray();
                    for (int r = 0; r < rows; r++) {
                        java.util.Arrays.fill(votes, 0);
                        for (int j = 0; j < k; j++) {
                            int neighbour = (int) idx[r * k + j];
                            votes[trainLabels[neighbour]] += Math.exp(sims[r * k + j] / temperature);
                        }
                        out[start + r] = argMax(votes);
                    }
                }
            }
        }
        return out;
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int c = 1; c < v.length; c++) {
            if (v[c] > v[best]) {
                best = c;
            }
        }
        return best;
    }
}
