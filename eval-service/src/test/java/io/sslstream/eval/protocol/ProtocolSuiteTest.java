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
                .containsEntry("seeds", List.of(0L, 1L, 2L)).containsEntry("folds", 5)
                .containsEntry("wd_grid", ProtocolSuite.Settings.FEW_LABEL_WEIGHT_DECAYS);
        @SuppressWarnings("unchecked")
        List<Double> chosen = (List<Double>) few.params().get("wd");
        assertThat(chosen).hasSize(3).allSatisfy(w -> assertThat(ProtocolSuite.Settings.FEW_LABEL_WEIGHT_DECAYS).contains(w));
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

    /**
     * Real images with few labels: on Fashion-MNIST's raw pixels (784 dimensions) a probe of 50 labels per class
     * overfits with the full probe's penalty, so the folds choose a stronger one, and it scores better on the test
     * split than the weakest penalty of the grid does.
     */
    @Test
    void aFewLabelDrawChoosesAPenaltyThatBeatsTheWeakestOnRealImages() throws java.io.IOException {
        io.sslstream.eval.dataset.LabelledDataset d = io.sslstream.eval.dataset.LabelledDataset.fashionMnist(
                io.sslstream.eval.dataset.TestFolders.SUBSET, 4000, 1000);
        ProtocolSuite.Settings defaults = ProtocolSuite.Settings.defaults();
        List<ProtocolSpec> few = List.of(ProtocolSpec.fewLabel(50));
        ProtocolResult chosen = new ProtocolSuite(new ProtocolSuite.Settings(defaults.weightDecay(), defaults.lbfgs(), List.of(0L),
                defaults.fewLabelWeightDecays(), defaults.fewLabelFolds(), defaults.knnChunkRows(), defaults.device(), defaults.minStd()))
                .run(few, "raw-pixels", d.trainPixels(), d.trainLabels(), d.testPixels(), d.testLabels(), r -> { }).get(0);
        ProtocolResult weakest = new ProtocolSuite(new ProtocolSuite.Settings(defaults.weightDecay(), defaults.lbfgs(), List.of(0L),
                List.of(1e-4), defaults.fewLabelFolds(), defaults.knnChunkRows(), defaults.device(), defaults.minStd()))
                .run(few, "raw-pixels", d.trainPixels(), d.trainLabels(), d.testPixels(), d.testLabels(), r -> { }).get(0);

        assertThat(weakest.params()).containsEntry("wd", List.of(1e-4)).containsEntry("folds", 0);
        @SuppressWarnings("unchecked")
        List<Double> wd = (List<Double>) chosen.params().get("wd");
        assertThat(wd).singleElement().satisfies(w -> assertThat(w).isGreaterThan(1e-4));
        assertThat(chosen.accuracy()).isGreaterThan(weakest.accuracy()); // 77.9% against 76.7% when written
    }

    @Test
    void aFewLabelDrawCannotHaveFewerLabelsThanFoldsNorAChoiceWithoutFolds() {
        int[] y = new int[30];
        FeatureMatrix x = blobs(30, 1, y);
        ProtocolSuite.Settings d = ProtocolSuite.Settings.defaults();
        assertThatThrownBy(() -> new ProtocolSuite(d).run(List.of(ProtocolSpec.fewLabel(4)), "encoder", x, y, x, y, r -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("linear@4 cannot choose its weight decay by 5 folds: it needs at least 5 labels per class");
        assertThatThrownBy(() -> new ProtocolSuite.Settings(1e-4, d.lbfgs(), d.fewLabelSeeds(), List.of(1e-3, 1e-2), 1, 1000, d.device(),
                d.minStd())).hasMessage("choosing among 2 weight decays needs at least 2 folds, got 1");
        assertThatThrownBy(() -> new ProtocolSuite.Settings(1e-4, d.lbfgs(), d.fewLabelSeeds(), List.of(-1.0), 5, 1000, d.device(),
                d.minStd())).hasMessage("linear@N needs one or more finite weight decays >= 0, got [-1.0]");
    }
}
