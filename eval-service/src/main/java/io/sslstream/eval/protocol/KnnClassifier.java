package io.sslstream.eval.protocol;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.sslstream.model.Engines;
import io.sslstream.model.NoGrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Weighted k-nearest-neighbour classification on L2-normalised features (InstDisc, solo-learn, lightly): each of
 * the {@code k} train rows most cosine-similar to a test row votes for its class with weight {@code exp(sim / T)};
 * the class with the largest sum wins (the lowest class on ties). Same formula as the peer's {@code knn}.
 *
 * <p>The {@code (test x train)} similarity matrix is never whole: it is computed by libtorch for blocks of
 * {@code chunkRows} test rows, each block's memory released before the next. Several {@code (k, T)} protocols share
 * one pass ({@link #evaluateAll}): the similarities and the top-k are the expensive part, the votes are not.
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
     * One kNN protocol's neighbours and temperature.
     *
     * @param k           neighbours that vote
     * @param temperature {@code T} of the vote weights
     */
    public record Query(int k, double temperature) {
    }

    /**
     * @param k           neighbours that vote
     * @param temperature {@code T} of the vote weights
     * @param correct     test rows classified correctly
     * @param total       test rows
     * @param seconds     time of this query's votes, plus, for the first query of a pass, the shared similarities and
     *                    top-k
     */
    public record Result(int k, double temperature, int correct, int total, double seconds) {
        public double accuracy() {
            return (double) correct / total;
        }
    }

    /** Classifies every test row and counts the correct ones. */
    public Result evaluate(FeatureMatrix train, int[] trainLabels, FeatureMatrix test, int[] testLabels, int k, double temperature) {
        return evaluateAll(train, trainLabels, test, testLabels, List.of(new Query(k, temperature))).get(0);
    }

    /**
     * Answers several queries from one pass: the similarities and the top {@code max k} neighbours of each test row
     * are computed once, and each query votes with its first {@code k} of them (top-k is sorted, so these are its
     * own k nearest, ties aside).
     */
    public List<Result> evaluateAll(FeatureMatrix train, int[] trainLabels, FeatureMatrix test, int[] testLabels, List<Query> queries) {
        if (test.rows() != testLabels.length) {
            throw new IllegalArgumentException(test.rows() + " test rows but " + testLabels.length + " test labels");
        }
        if (test.rows() == 0) {
            throw new IllegalArgumentException("no test rows");
        }
        long[] nanos = new long[queries.size()];
        List<int[]> predictions = predictAll(train, trainLabels, test, queries, nanos);
        List<Result> out = new ArrayList<>();
        for (int q = 0; q < queries.size(); q++) {
            int[] p = predictions.get(q);
            int correct = 0;
            for (int i = 0; i < p.length; i++) {
                if (p[i] == testLabels[i]) {
                    correct++;
                }
            }
            out.add(new Result(queries.get(q).k(), queries.get(q).temperature(), correct, p.length, nanos[q] / 1e9));
        }
        return out;
    }

    /** The predicted class of every test row. */
    public int[] predict(FeatureMatrix train, int[] trainLabels, FeatureMatrix test, int k, double temperature) {
        return predictAll(train, trainLabels, test, List.of(new Query(k, temperature)), new long[1]).get(0);
    }

    /**
     * The predicted classes of every test row, per query.
     *
     * @param nanos filled with each query's time (the first one also carries the shared similarities and top-k)
     */
    List<int[]> predictAll(FeatureMatrix train, int[] trainLabels, FeatureMatrix test, List<Query> queries, long[] nanos) {
        if (train.rows() != trainLabels.length) {
            throw new IllegalArgumentException(train.rows() + " train rows but " + trainLabels.length + " train labels");
        }
        if (train.cols() != test.cols()) {
            throw new IllegalArgumentException("train features have " + train.cols() + " dimensions, test features " + test.cols());
        }
        if (queries.isEmpty()) {
            throw new IllegalArgumentException("no kNN query");
        }
        int maxK = 0;
        for (Query q : queries) {
            if (q.k() < 1 || q.k() > train.rows()) {
                throw new IllegalArgumentException("k must be in [1, " + train.rows() + "] (the train rows), got " + q.k());
            }
            if (!(q.temperature() > 0)) {
                throw new IllegalArgumentException("temperature must be positive, got " + q.temperature());
            }
            maxK = Math.max(maxK, q.k());
        }
        int classes = 0;
        for (int y : trainLabels) {
            if (y < 0) {
                throw new IllegalArgumentException("negative label " + y);
            }
            classes = Math.max(classes, y + 1);
        }
        List<int[]> out = new ArrayList<>();
        for (int q = 0; q < queries.size(); q++) {
            out.add(new int[test.rows()]);
        }
        long t0 = System.nanoTime();
        long voting = 0;
        try (NDManager m = Engines.pytorch().newBaseManager(device); NoGrad ignored = NoGrad.enter()) {
            NDArray raw = train.toNDArray(m);
            NDArray bank = raw.normalize(2, 1, EPS); // (N, D), unit rows
            raw.close();
            NDArray bankT = bank.transpose(); // (D, N)
            double[] votes = new double[classes];
            for (int start = 0; start < test.rows(); start += chunkRows) {
                int end = Math.min(test.rows(), start + chunkRows);
                int rows = end - start;
                try (NDManager block = m.newSubManager()) {
                    NDArray qx = FeatureMatrix.wrap(test.rowRange(start, end), rows, test.cols())
                            .toNDArray(block).normalize(2, 1, EPS); // (B, D)
                    NDArray sim = qx.matMul(bankT); // (B, N) cosine similarities
                    NDList top = sim.topK(maxK, 1, true, true); // values (B, maxK) descending, indices (B, maxK) int64
                    float[] sims = top.get(0).toFloatArray();
                    long[] idx = top.get(1).toLongArray();
                    for (int q = 0; q < queries.size(); q++) {
                        long v0 = System.nanoTime();
                        int k = queries.get(q).k();
                        double temperature = queries.get(q).temperature();
                        int[] predicted = out.get(q);
                        for (int r = 0; r < rows; r++) {
                            Arrays.fill(votes, 0);
                            for (int j = 0; j < k; j++) {
                                int neighbour = (int) idx[r * maxK + j];
                                votes[trainLabels[neighbour]] += Math.exp(sims[r * maxK + j] / temperature);
                            }
                            predicted[start + r] = argMax(votes);
                        }
                        long dt = System.nanoTime() - v0;
                        nanos[q] += dt;
                        voting += dt;
                    }
                }
            }
        }
        nanos[0] += System.nanoTime() - t0 - voting;
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
