package io.sslstream.eval.protocol;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class KnnClassifierTest {

    static FeatureMatrix points(float... xy) {
        return FeatureMatrix.copyOf(xy, xy.length / 2, 2);
    }

    /*
     * Train points on the unit circle at 0, 30 and 40 degrees (class 0, 1, 1) and one at 180 degrees (class 1),
     * query at 5 degrees. Cosines: A 0.9962, B cos 25 = 0.9063, C cos 35 = 0.8192, D -0.9962.
     * k = 3 picks A, B, C. With T = 0.07 the weights are exp(14.23) = 1.51e6 for class 0 against
     * exp(12.95) + exp(11.70) = 4.20e5 + 1.21e5 = 5.41e5 for class 1: class 0 wins.
     * With T = 10 the weights are ~1.105 vs 1.095 + 1.085: class 1 wins by number (a majority vote).
     */
    static final FeatureMatrix TRAIN = points(
            1f, 0f,
            (float) Math.cos(Math.toRadians(30)), (float) Math.sin(Math.toRadians(30)),
            // class 1 again, scaled by 7: normalisation must make the length irrelevant
            7f * (float) Math.cos(Math.toRadians(40)), 7f * (float) Math.sin(Math.toRadians(40)),
            -1f, 0f);
    static final int[] TRAIN_Y = {0, 1, 1, 1};
    static final FeatureMatrix QUERY = points(3f * (float) Math.cos(Math.toRadians(5)), 3f * (float) Math.sin(Math.toRadians(5)));

    final KnnClassifier knn = new KnnClassifier(Device.cpu(), 1);

    @Test
    void sharpTemperatureLetsTheClosestNeighbourOutvoteTwoFartherOnes() {
        double w0 = Math.exp(Math.cos(Math.toRadians(5)) / 0.07);
        double w1 = Math.exp(Math.cos(Math.toRadians(25)) / 0.07) + Math.exp(Math.cos(Math.toRadians(35)) / 0.07);
        assertThat(w0).isGreaterThan(w1); // the hand computation above
        assertThat(knn.predict(TRAIN, TRAIN_Y, QUERY, 3, 0.07)).containsExactly(0);
    }

    @Test
    void flatTemperatureIsAMajorityVote() {
        assertThat(knn.predict(TRAIN, TRAIN_Y, QUERY, 3, 10)).containsExactly(1);
    }

    @Test
    void onlyTheKNearestVote() {
        // k = 1: A alone; k = 4 with T = 10: three class-1 votes (D's weight exp(-0.1) is small but counts)
        assertThat(knn.predict(TRAIN, TRAIN_Y, QUERY, 1, 10)).containsExactly(0);
        assertThat(knn.predict(TRAIN, TRAIN_Y, QUERY, 4, 10)).containsExactly(1);
        // a query at 180 degrees has D as its nearest neighbour
        assertThat(knn.predict(TRAIN, TRAIN_Y, points(-2f, 0.01f), 1, 0.07)).containsExactly(1);
    }

    @Test
    void accuracyCountsCorrectRowsAcrossChunks() {
        FeatureMatrix queries = points(1f, 0.05f, -1f, 0.05f, 0.9f, 0.5f, 0.99f, 0.02f, 0.5f, 0.5f);
        int[] truth = {0, 1, 1, 1, 1};
        // nearest neighbours at 3, 177, 29, 1 and 45 degrees: A, D, B, A, C -> classes 0, 1, 1, 0, 1: 4 of 5 correct
        KnnClassifier.Result r = new KnnClassifier(Device.cpu(), 2).evaluate(TRAIN, TRAIN_Y, queries, truth, 1, 0.07);
        assertThat(r.correct()).isEqualTo(4);
        assertThat(r.total()).isEqualTo(5);
        assertThat(r.accuracy()).isCloseTo(0.8, within(1e-12));
        assertThat(new KnnClassifier(Device.cpu(), 1000).predict(TRAIN, TRAIN_Y, queries, 1, 0.07))
                .containsExactly(knn.predict(TRAIN, TRAIN_Y, queries, 1, 0.07));
    }

    @Test
    void onePassAnswersEveryQueryAsSeparatePassesWould() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        int n = 400;
        float[] x = new float[n * 8];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 4;
            for (int j = 0; j < 8; j++) {
                x[i * 8 + j] = (float) ((j % 4 == y[i] ? 1.5 : 0) + r.nextGaussian());
            }
        }
        FeatureMatrix train = FeatureMatrix.copyOf(java.util.Arrays.copyOf(x, 300 * 8), 300, 8);
        FeatureMatrix test = FeatureMatrix.copyOf(java.util.Arrays.copyOfRange(x, 300 * 8, n * 8), 100, 8);
        int[] trainY = java.util.Arrays.copyOf(y, 300);
        int[] testY = java.util.Arrays.copyOfRange(y, 300, n);
        KnnClassifier chunked = new KnnClassifier(Device.cpu(), 33);
        java.util.List<KnnClassifier.Query> queries = java.util.List.of(new KnnClassifier.Query(20, 0.07),
                new KnnClassifier.Query(200, 0.1), new KnnClassifier.Query(1, 0.5));
        java.util.List<KnnClassifier.Result> all = chunked.evaluateAll(train, trainY, test, testY, queries);
        assertThat(all).hasSize(3);
        for (int q = 0; q < 3; q++) {
            KnnClassifier.Query query = queries.get(q);
            KnnClassifier.Result alone = chunked.evaluate(train, trainY, test, testY, query.k(), query.temperature());
            assertThat(all.get(q).k()).isEqualTo(query.k());
            assertThat(all.get(q).correct()).as("k=%d", query.k()).isEqualTo(alone.correct());
            assertThat(all.get(q).seconds()).isNotNegative();
        }
        // the blobs are separable enough that kNN is far above chance (0.25)
        assertThat(all.get(0).accuracy()).isGreaterThan(0.6);
        assertThat(all.get(2).accuracy()).isNotEqualTo(all.get(0).accuracy());
    }

    @Test
    void inputsThatDoNotLineUpAreRejectedWithTheirSizes() {
        assertThatThrownBy(() -> knn.predict(TRAIN, new int[]{0, 1}, QUERY, 1, 0.07))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 train rows but 2 train labels");
        assertThatThrownBy(() -> knn.predict(TRAIN, TRAIN_Y, FeatureMatrix.copyOf(new float[3], 1, 3), 1, 0.07))
                .hasMessageContaining("train features have 2 dimensions, test features 3");
        assertThatThrownBy(() -> knn.predict(TRAIN, TRAIN_Y, QUERY, 5, 0.07))
                .hasMessageContaining("k must be in [1, 4]");
        assertThatThrownBy(() -> knn.evaluate(TRAIN, TRAIN_Y, QUERY, new int[]{0, 0}, 1, 0.07))
                .hasMessageContaining("1 test rows but 2 test labels");
    }
}
