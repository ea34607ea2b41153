package io.sslstream.eval.protocol;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.sslstream.contracts.events.ProtocolResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a list of protocols on one feature set (train and test features with their labels) and returns one
 * {@link ProtocolResult} per protocol with its parameters, so that every number can be reproduced.
 *
 * <p>The linear protocols share one {@link Standardizer} fitted on the whole train split (as the peer does for its
 * few-label probe too: features need no labels, so their statistics are no leak of labels). The kNN protocols share
 * one similarity pass ({@link KnnClassifier#evaluateAll}); the first of them reports the pass's time.
 *
 * <p>{@code linear@N} chooses its L2 penalty for each draw of labels: the value of
 * {@link Settings#fewLabelWeightDecays} with the best mean accuracy over {@link Settings#fewLabelFolds} stratified
 * folds of that draw, using the draw's labels only (never the test split). One penalty for every training-set size
 * does not fit: the full probe's 1e-4 leaves a probe of 1,000 labels on 784 pixels overfitting (Fashion-MNIST's raw
 * pixels, linear@100: 78.0% with 1e-4 for every draw, 79.5% with the penalties the folds chose).
 */
public final class ProtocolSuite {

    /** Keys of {@link ProtocolResult#params()}. */
    public static final class Params {
        public static final String K = "k";
        public static final String TEMPERATURE = "temperature";
        public static final String WEIGHT_DECAY = "wd";
        public static final String ITERATIONS = "iterations";
        public static final String EVALUATIONS = "evaluations";
        public static final String MAX_ITERATIONS = "max_iterations";
        public static final String HISTORY = "history";
        public static final String STOP = "stop";
        public static final String OBJECTIVE = "objective";
        public static final String LABELS_PER_CLASS = "labels_per_class";
        public static final String SEEDS = "seeds";
        public static final String ACCURACIES = "accuracies";
        public static final String TRAIN_SIZE = "train_size";
        public static final String TEST_SIZE = "test_size";
        public static final String DIM = "dim";
        public static final String CLASSES = "classes";
        public static final String STANDARDISED = "standardised";
        public static final String WEIGHT_DECAY_GRID = "wd_grid";
        public static final String FOLDS = "folds";

        private Params() {
        }
    }

    /**
     * @param weightDecay   {@code wd} of the linear probes
     * @param lbfgs         optimiser settings of the linear probes
     * @param fewLabelSeeds seeds of the {@code linear@N} draws (the spread is over these)
     * @param fewLabelWeightDecays the {@code wd} values a {@code linear@N} draw chooses from (one value: no choice)
     * @param fewLabelFolds stratified folds of a draw that choose its {@code wd} (at most N)
     * @param knnChunkRows  test rows per similarity block
     * @param device        where libtorch computes
     * @param minStd        clamp of the standardisation
     */
    public record Settings(double weightDecay, Lbfgs.Options lbfgs, List<Long> fewLabelSeeds, List<Double> fewLabelWeightDecays,
                           int fewLabelFolds, int knnChunkRows, Device device, double minStd) {
        /** The default choices of a {@code linear@N} draw's {@code wd}. */
        public static final List<Double> FEW_LABEL_WEIGHT_DECAYS = List.of(1e-4, 1e-3, 1e-2, 3e-2, 1e-1, 3e-1);
        public static final int FEW_LABEL_FOLDS = 5;

        public Settings {
            fewLabelSeeds = List.copyOf(fewLabelSeeds);
            fewLabelWeightDecays = fewLabelWeightDecays.stream().sorted().distinct().toList();
            if (fewLabelSeeds.isEmpty()) {
                throw new IllegalArgumentException("linear@N needs at least one seed");
            }
            if (fewLabelWeightDecays.isEmpty() || fewLabelWeightDecays.stream().anyMatch(w -> !(w >= 0) || Double.isInfinite(w))) {
                throw new IllegalArgumentException("linear@N needs one or more finite weight decays >= 0, got " + fewLabelWeightDecays);
            }
            if (fewLabelWeightDecays.size() > 1 && fewLabelFolds < 2) {
                throw new IllegalArgumentException("choosing among " + fewLabelWeightDecays.size() + " weight decays needs at least 2 folds, got "
                        + fewLabelFolds);
            }
        }

        /**
         * wd 1e-4 for the full probe (the peer's), 300 L-BFGS iterations, seeds 0, 1, 2, {@code linear@N}'s wd chosen from
         * {@link #FEW_LABEL_WEIGHT_DECAYS} by 5 folds, blocks of 1,000 test rows, CPU.
         */
        public static Settings defaults() {
            return new Settings(1e-4, Lbfgs.Options.defaults(), List.of(0L, 1L, 2L), FEW_LABEL_WEIGHT_DECAYS, FEW_LABEL_FOLDS, 1000,
                    Device.cpu(), Standardizer.DEFAULT_MIN_STD);
        }

        /** The smallest labels per class {@code linear@N} can take: one row of each class in every fold. */
        public int minLabelsPerClass() {
            return fewLabelWeightDecays.size() > 1 ? fewLabelFolds : 1;
        }
    }

    private final Settings settings;

    public ProtocolSuite(Settings settings) {
        this.settings = settings;
    }

    /**
     * Runs {@code specs} in order.
     *
     * @param featureSet  reported feature set, e.g. {@code encoder} or {@code raw-pixels}
     * @param onEach      called with each result as soon as it is known (logging, metrics)
     */
    public List<ProtocolResult> run(List<ProtocolSpec> specs, String featureSet, FeatureMatrix train, int[] trainLabels,
                                    FeatureMatrix test, int[] testLabels, Consumer<ProtocolResult> onEach) {
        if (train.rows() != trainLabels.length) {
            throw new IllegalArgumentException(train.rows() + " train rows but " + trainLabels.length + " train labels");
        }
        if (test.rows() != testLabels.length) {
            throw new IllegalArgumentException(test.rows() + " test rows but " + testLabels.length + " test labels");
        }
        if (train.cols() != test.cols()) {
            throw new IllegalArgumentException("train features have " + train.cols() + " dimensions, test features " + test.cols());
        }
        int classes = 0;
        for (int y : trainLabels) {
            classes = Math.max(classes, y + 1);
        }
        for (int y : testLabels) {
            classes = Math.max(classes, y + 1);
        }
        FeatureMatrix trainStd = null;
        FeatureMatrix testStd = null;
        if (specs.stream().anyMatch(s -> s.kind() != ProtocolSpec.Kind.KNN)) {
            Standardizer st = Standardizer.fit(train, settings.minStd());
            trainStd = st.apply(train);
            testStd = st.apply(test);
        }
        List<ProtocolResult> results = new ArrayList<>();
        List<KnnClassifier.Result> knn = null; // every kNN protocol from one pass, computed at the first
        int knnDone = 0;
        for (ProtocolSpec spec : specs) {
            long t0 = System.nanoTime();
            Map<String, Object> params = new LinkedHashMap<>();
            params.put(Params.TRAIN_SIZE, train.rows());
            params.put(Params.TEST_SIZE, test.rows());
            params.put(Params.DIM, train.cols());
            double accuracy;
            double spread = 0;
            switch (spec.kind()) {
                case LINEAR -> {
                    LinearModel model = probe(settings.weightDecay()).fit(trainStd, trainLabels, classes);
                    accuracy = model.accuracy(testStd, testLabels);
                    linearParams(params, classes);
                    params.put(Params.ITERATIONS, model.iterations());
                    params.put(Params.EVALUATIONS, model.evaluations());
                    params.put(Params.STOP, model.stop().label());
                    params.put(Params.OBJECTIVE, model.objective());
                }
                case LINEAR_FEW -> {
                    if (spec.labelsPerClass() < settings.minLabelsPerClass()) {
                        throw new IllegalArgumentException(spec.name() + " cannot choose its weight decay by " + settings.fewLabelFolds()
                                + " folds: it needs at least " + settings.minLabelsPerClass() + " labels per class");
                    }
                    List<Double> accuracies = new ArrayList<>();
                    List<Integer> iterations = new ArrayList<>();
                    List<Double> chosen = new ArrayList<>();
                    for (long seed : settings.fewLabelSeeds()) {
                        int[] rows = FewLabelSampler.sample(trainLabels, spec.labelsPerClass(), seed);
                        int[] labels = pick(trainLabels, rows);
                        FeatureMatrix x = trainStd.selectRows(rows);
                        double wd = chooseWeightDecay(x, labels, classes);
                        LinearModel model = probe(wd).fit(x, labels, classes);
                        accuracies.add(model.accuracy(testStd, testLabels));
                        iterations.add(model.iterations());
                        chosen.add(wd);
                    }
                    accuracy = mean(accuracies);
                    spread = sampleStd(accuracies);
                    linearParams(params, classes);
                    params.put(Params.WEIGHT_DECAY, List.copyOf(chosen));
                    params.put(Params.WEIGHT_DECAY_GRID, settings.fewLabelWeightDecays());
                    params.put(Params.FOLDS, settings.fewLabelWeightDecays().size() > 1 ? settings.fewLabelFolds() : 0);
                    params.put(Params.LABELS_PER_CLASS, spec.labelsPerClass());
                    params.put(Params.TRAIN_SIZE, spec.labelsPerClass() * distinct(trainLabels));
                    params.put(Params.SEEDS, settings.fewLabelSeeds());
                    params.put(Params.ACCURACIES, List.copyOf(accuracies));
                    params.put(Params.ITERATIONS, List.copyOf(iterations));
                }
                case KNN -> {
                    if (knn == null) {
                        List<KnnClassifier.Query> queries = specs.stream().filter(s -> s.kind() == ProtocolSpec.Kind.KNN)
                                .map(s -> new KnnClassifier.Query(s.k(), s.temperature())).toList();
                        knn = new KnnClassifier(settings.device(), settings.knnChunkRows())
                                .evaluateAll(train, trainLabels, test, testLabels, queries);
                    }
                    KnnClassifier.Result r = knn.get(knnDone++);
                    accuracy = r.accuracy();
                    params.put(Params.K, spec.k());
                    params.put(Params.TEMPERATURE, spec.temperature());
                }
                default -> throw new IllegalStateException("unhandled protocol kind " + spec.kind());
            }
            // kNN protocols report their share of the common pass (the first one carries the similarities)
            double seconds = spec.kind() == ProtocolSpec.Kind.KNN ? knn.get(knnDone - 1).seconds() : (System.nanoTime() - t0) / 1e9;
            ProtocolResult result = new ProtocolResult(spec.name(), featureSet, params, accuracy, spread, seconds);
            results.add(result);
            onEach.accept(result);
        }
        return List.copyOf(results);
    }

    private LinearProbe probe(double weightDecay) {
        return new LinearProbe(new LinearProbe.Options(weightDecay, settings.lbfgs(), settings.device(), DataType.FLOAT32));
    }

    /**
     * The {@code wd} of {@link Settings#fewLabelWeightDecays} whose probes, each fit on all folds of the draw but one,
     * score best on the fold left out, summed over the folds (the larger {@code wd} on a tie: the simpler model).
     * Folds are stratified: the draw's rows of each class, in row order, are dealt to the folds in turn.
     */
    double chooseWeightDecay(FeatureMatrix x, int[] labels, int classes) {
        List<Double> grid = settings.fewLabelWeightDecays();
        if (grid.size() == 1) {
            return grid.get(0);
        }
        int k = settings.fewLabelFolds();
        int[] fold = new int[labels.length];
        int[] seen = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            fold[i] = seen[labels[i]]++ % k;
        }
        long[] correct = new long[grid.size()];
        for (int f = 0; f < k; f++) {
            int[] fit = rowsWhere(fold, f, false);
            int[] held = rowsWhere(fold, f, true);
            FeatureMatrix xFit = x.selectRows(fit);
            FeatureMatrix xHeld = x.selectRows(held);
            int[] yFit = pick(labels, fit);
            int[] yHeld = pick(labels, held);
            for (int g = 0; g < grid.size(); g++) {
                correct[g] += Math.round(probe(grid.get(g)).fit(xFit, yFit, classes).accuracy(xHeld, yHeld) * held.length);
            }
        }
        int best = 0;
        for (int g = 1; g < grid.size(); g++) {
            if (correct[g] >= correct[best]) {
                best = g;
            }
        }
        return grid.get(best);
    }

    private static int[] rowsWhere(int[] fold, int f, boolean in) {
        return java.util.stream.IntStream.range(0, fold.length).filter(i -> (fold[i] == f) == in).toArray();
    }

    private static int[] pick(int[] values, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = values[rows[i]];
        }
        return out;
    }

    private void linearParams(Map<String, Object> params, int classes) {
        params.put(Params.WEIGHT_DECAY, settings.weightDecay());
        params.put(Params.MAX_ITERATIONS, settings.lbfgs().maxIterations());
        params.put(Params.HISTORY, settings.lbfgs().history());
        params.put(Params.CLASSES, classes);
        params.put(Params.STANDARDISED, "train-split mean and std");
    }

    private static int distinct(int[] labels) {
        return (int) java.util.Arrays.stream(labels).distinct().count();
    }

    static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).sum() / v.size();
    }

    /** Sample standard deviation (n - 1); 0 for a single value. */
    static double sampleStd(List<Double> v) {
        if (v.size() < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.size() - 1));
    }
}
