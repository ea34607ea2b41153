package io.sslstream.eval.protocol;

import io.sslstream.contracts.events.ProtocolResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtocolSuiteTest {

    /** Three Gaussian classes in 6-D with some overlap: rows {@code i} of class {@code i % 3}. */
    static FeatureMatrix blobs(int n, long seed, int[] labels) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 6];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            labels[i] = c;
            for (int j = 0; j < 6; j++) {
                x[i * 6 + j] = (float) ((j % 3 == c ? 2.5 : 0) + r.nextGaussian());
            }
        }
        return FeatureMatrix.copyOf(x, n, 6);
    }

    @Test
    void runsEveryProtocolAndRecordsItsParameters() {
        int[] trainY = new int[300];
        int[] testY = new int[150];
        FeatureMatrix train = blobs(300, 1, trainY);
        FeatureMatrix test = blobs(150, 2, testY);
        List<ProtocolResult> seen = new ArrayList<>();
        List<ProtocolResult> results = new ProtocolSuite(ProtocolSuite.Settings.defaults()).run(
                ProtocolSpec.parseAll(List.of("linear", "linear@10", "knn@20", "knn@5:0.1")), "encoder",
                train, trainY, test, testY, seen::add);

        assertThat(results).containsExactlyElementsOf(seen);
        assertThat(results).extracting(ProtocolResult::protocol).containsExactly("linear", "linear@10", "knn@20", "knn@5");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.featureSet()).isEqualTo("encoder");
            // Bayes accuracy of these blobs is about 0.99; chance is 1/3
            assertThat(r.accuracy()).isGreaterThan(0.9);
            assertThat(r.seconds()).isNotNegative();
            assertThat(r.params()).containsEntry("test_size", 150).containsEntry("dim", 6);
        });
        ProtocolResult linear = results.get(0);
        assertThat(linear.params()).containsEntry("wd", 1e-4).containsEntry("train_size", 300).containsEntry("classes", 3)
                .containsKeys("iterations", "stop", "objective");
        assertThat(linear.spread()).isZero();
        ProtocolResult few = results.get(1);
        assertThat(few.params()).containsEntry("labels_per_class", 10).containsEntry("train_size", 30)
                .containsEntry("seeds", List.of(0L, 1L, 2L));
        @SuppressWarnings("unchecked")
        List<Double> accuracies = (List<Double>) few.params().get("accuracies");
        assertThat(accuracies).hasSize(3);
        assertThat(few.accuracy()).isEqualTo(ProtocolSuite.mean(accuracies));
        assertThat(few.spread()).isEqualTo(ProtocolSuite.sampleStd(accuracies)).isNotNegative();
        assertThat(results.get(2).params()).containsEntry("k", 20).containsEntry("temperature", 0.07);
        assertThat(results.get(3).params()).containsEntry("k", 5).containsEntry("temperature", 0.1);
    }

    @Test
    void sampleStdIsTheUsualOne() {
        assertThat(ProtocolSuite.sampleStd(List.of(0.7, 0.8, 0.9))).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ProtocolSuite.sampleStd(List.of(0.5))).isZero();
    }

    @Test
    void rejectsSplitsThatDoNotLineUp() {
        int[] y = new int[30];
        FeatureMatrix x = blobs(30, 1, y);
        ProtocolSuite suite = new ProtocolSuite(ProtocolSuite.Settings.defaults());
        List<ProtocolSpec> specs = List.of(ProtocolSpec.linear());
        assertThatThrownBy(() -> suite.run(specs, "encoder", x, new int[29], x, y, r -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("30 train rows but 29 train labels");
        assertThatThrownBy(() -> suite.run(specs, "encoder", x, y, FeatureMatrix.copyOf(new float[5], 1, 5), new int[1], r -> { }))
                .hasMessageContaining("train features have 6 dimensions, test features 5");
    }
}
