package io.sslstream.bench.eval;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.sslstream.bench.Report;
import io.sslstream.eval.EncoderFeatures;
import io.sslstream.eval.dataset.LabelledDataset;
import io.sslstream.eval.protocol.FeatureMatrix;
import io.sslstream.eval.protocol.KnnClassifier;
import io.sslstream.eval.protocol.Lbfgs;
import io.sslstream.eval.protocol.LinearModel;
import io.sslstream.eval.protocol.LinearProbe;
import io.sslstream.eval.protocol.Standardizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The evaluator's knobs measured in this process, with the services stopped: feature extraction by input layout and
 * batch size, the linear probe in float32 and float64, kNN protocols in one shared pass or one pass each. Each row
 * is one run; the rows of a table differ by one knob.
 */
public final class Tuning {

    private Tuning() {
    }

    /**
     * Features of {@code images} train images of the checkpoint: input layout and BatchNorm folding at batch 500,
     * then the batch size with both on (what the evaluator does).
     */
    public static List<List<String>> features(Path archive, Path dataDir, int images) throws Exception {
        LabelledDataset ds = LabelledDataset.fashionMnist(dataDir, images, 1);
        Object[][] variants = {
                {false, false, 500}, {true, false, 500}, {false, true, 500}, {true, true, 250}, {true, true, 500}, {true, true, 1000}};
        List<Object[]> runs = new ArrayList<>(); // variant..., seconds, max diff
        try (EncoderFeatures enc = EncoderFeatures.load(archive, ds, Device.cpu())) {
            enc.extract(LabelledDataset.fashionMnist(dataDir, 500, 1), 250); // warm-up: JIT, oneDNN kernels
            FeatureMatrix reference = null;
            for (Object[] v : variants) {
                boolean channelsLast = (boolean) v[0];
                boolean fold = (boolean) v[1];
                int batch = (int) v[2];
                long t0 = System.nanoTime();
                EncoderFeatures.Features f = enc.extract(ds, batch, channelsLast, fold);
                double s = (System.nanoTime() - t0) / 1e9;
                double diff = reference == null ? 0 : maxAbsDiff(reference, f.train());
                reference = reference == null ? f.train() : reference;
                runs.add(new Object[]{channelsLast, fold, batch, s, diff});
                System.out.printf("features %s, BatchNorm %s, batch %d: %.2f s for %d images%n", channelsLast ? "channels-last" : "NCHW",
                        fold ? "folded" : "as is", batch, s, ds.trainCount());
            }
        }
        double base = (double) runs.get(0)[3];
        List<List<String>> rows = new ArrayList<>();
        for (Object[] r : runs) {
            double s = (double) r[3];
            rows.add(List.of((boolean) r[0] ? "channels-last" : "NCHW", (boolean) r[1] ? "folded" : "as is", Integer.toString((int) r[2]),
                    Report.n2(s), Report.n2(1000 * s / ds.trainCount()), Report.ratio(s / base),
                    String.format(Locale.ROOT, "%.1e", (double) r[4])));
        }
        return rows;
    }

    /** The linear probe ({@code linear}: all labels, wd 1e-4, 300 L-BFGS iterations) in float32 and float64. */
    public static List<List<String>> probe(FeatureMatrix train, int[] trainLabels, FeatureMatrix test, int[] testLabels) {
        Standardizer st = Standardizer.fit(train, Standardizer.DEFAULT_MIN_STD);
        FeatureMatrix xtr = st.apply(train);
        FeatureMatrix xte = st.apply(test);
        int classes = 1 + java.util.Arrays.stream(trainLabels).max().orElse(0);
        List<List<String>> rows = new ArrayList<>();
        for (DataType dtype : new DataType[]{DataType.FLOAT32, DataType.FLOAT64}) {
            long t0 = System.nanoTime();
            LinearModel m = new LinearProbe(new LinearProbe.Options(1e-4, Lbfgs.Options.defaults(), Device.cpu(), dtype))
                    .fit(xtr, trainLabels, classes);
            double s = (System.nanoTime() - t0) / 1e9;
            double acc = m.accuracy(xte, testLabels);
            System.out.printf("linear probe %s: %.2f s, %d iterations, accuracy %.4f%n", dtype, s, m.iterations(), acc);
            rows.add(List.of(dtype.toString().toLowerCase(Locale.ROOT), Report.n2(s), Integer.toString(m.iterations()),
                    Integer.toString(m.evaluations()), Report.n2(1000 * s / m.evaluations()), Report.pct(acc),
                    String.format(Locale.ROOT, "%.6f", m.objective())));
        }
        return rows;
    }

    /** knn@20 and knn@200 in one pass each, then in one shared pass. */
    public static List<List<String>> knn(FeatureMatrix train, int[] trainLabels, FeatureMatrix test, int[] testLabels) {
        KnnClassifier knn = new KnnClassifier(Device.cpu(), 1000);
        List<List<String>> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        KnnClassifier.Result k20 = knn.evaluate(train, trainLabels, test, testLabels, 20, 0.07);
        KnnClassifier.Result k200 = knn.evaluate(train, trainLabels, test, testLabels, 200, 0.1);
        double separate = (System.nanoTime() - t0) / 1e9;
        rows.add(List.of("one pass each", Report.n2(separate), Report.pct(k20.accuracy()), Report.pct(k200.accuracy())));
        t0 = System.nanoTime();
        List<KnnClassifier.Result> both = knn.evaluateAll(train, trainLabels, test, testLabels,
                List.of(new KnnClassifier.Query(20, 0.07), new KnnClassifier.Query(200, 0.1)));
        double shared = (System.nanoTime() - t0) / 1e9;
        rows.add(List.of("one shared pass", Report.n2(shared), Report.pct(both.get(0).accuracy()), Report.pct(both.get(1).accuracy())));
        System.out.printf("kNN: separate %.2f s, shared %.2f s%n", separate, shared);
        return rows;
    }

    static double maxAbsDiff(FeatureMatrix a, FeatureMatrix b) {
        double m = 0;
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                m = Math.max(m, Math.abs(a.get(i, j) - b.get(i, j)));
            }
        }
        return m;
    }
}
