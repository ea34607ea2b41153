package io.sslstream.eval.protocol;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LinearProbeTest {

    static LinearProbe probe(double wd, DataType dtype) {
        return new LinearProbe(new LinearProbe.Options(wd, Lbfgs.Options.of(300, 20, 1e-12, 1e-16), Device.cpu(), dtype));
    }

    /*
     * Eight 1-D points: x = +1 three times with label 1 and once with label 0, x = -1 mirrored. Standardised (mean 0,
     * unbiased std sqrt(8/7)) they sit at +-s, s = sqrt(7/8). By symmetry b = 0 and w0 = -w1 (the gradients of the
     * two rows are opposite from the zero start), and the probability of class 1 at +s is sigmoid(u s) with
     * u = w1 - w0. Without penalty the optimum matches the empirical 3/4: u s = ln 3.
     */
    static final float[] X1D = {1, 1, 1, 1, -1, -1, -1, -1};
    static final int[] Y1D = {1, 1, 1, 0, 0, 0, 0, 1};
    static final double S = Math.sqrt(7.0 / 8.0);

    @Test
    void reachesTheHandComputedOptimumWithoutPenalty() {
        FeatureMatrix x = Standardizer.fit(FeatureMatrix.copyOf(X1D, 8, 1), 1e-6).apply(FeatureMatrix.copyOf(X1D, 8, 1));
        assertThat(x.get(0, 0)).isCloseTo((float) S, within(1e-6f));
        LinearModel m = probe(0, DataType.FLOAT64).fit(x, Y1D, 2);
        double u = m.weights(1)[0] - m.weights(0)[0];
        assertThat(u * S).isCloseTo(Math.log(3), within(1e-6));
        assertThat(m.weights(0)[0]).isCloseTo(-m.weights(1)[0], within(1e-9));
        assertThat(m.bias()[0]).isCloseTo(0, within(1e-9));
        assertThat(m.bias()[1]).isCloseTo(0, within(1e-9));
        // mean cross-entropy at the optimum: (3 ln(4/3) + ln 4) / 4
        assertThat(m.objective()).isCloseTo((3 * Math.log(4.0 / 3) + Math.log(4)) / 4, within(1e-10));
    }

    @Test
    void reachesTheOptimumWithPenaltyThatBisectionFinds() {
        double wd = 0.1;
        // with w1 = v = -w0: F(v) = [3 ln(1 + e^{-2vs}) + ln(1 + e^{2vs})] / 4 + wd v^2; F'(v) = 0 by bisection
        double lo = 0;
        double hi = 10;
        for (int i = 0; i < 200; i++) {
            double v = (lo + hi) / 2;
            double dF = (-3 * 2 * S * sigmoid(-2 * v * S) + 2 * S * sigmoid(2 * v * S)) / 4 + 2 * wd * v;
            if (dF > 0) {
                hi = v;
            } else {
                lo = v;
            }
        }
        double v = (lo + hi) / 2;
        FeatureMatrix raw = FeatureMatrix.copyOf(X1D, 8, 1);
        FeatureMatrix x = Standardizer.fit(raw, 1e-6).apply(raw);
        LinearModel m = probe(wd, DataType.FLOAT64).fit(x, Y1D, 2);
        assertThat(m.weights(1)[0]).isCloseTo(v, within(1e-7));
        assertThat(m.weights(0)[0]).isCloseTo(-v, within(1e-7));
        assertThat(v * 2 * S).isLessThan(Math.log(3)); // the penalty shrinks the solution, as it must
        // the production precision lands on the same optimum
        LinearModel m32 = probe(wd, DataType.FLOAT32).fit(x, Y1D, 2);
        assertThat(m32.weights(1)[0]).isCloseTo(v, within(1e-4));
    }

    @Test
    void separatesLinearlySeparableClasses() {
        // three well separated blobs in 4-D, 40 train and 20 test points each
        SplittableRandom r = new SplittableRandom(11);
        double[][] centres = {{4, 0, 0, 1}, {0, 4, 0, -1}, {0, 0, 4, 0}};
        float[] train = new float[120 * 4];
        int[] trainY = new int[120];
        float[] test = new float[60 * 4];
        int[] testY = new int[60];
        for (int i = 0; i < 180; i++) {
            int c = i % 3;
            float[] target = i < 120 ? train : test;
            int row = i < 120 ? i : i - 120;
            for (int j = 0; j < 4; j++) {
                target[row * 4 + j] = (float) (centres[c][j] + r.nextGaussian() * 0.5);
            }
            (i < 120 ? trainY : testY)[row] = c;
        }
        FeatureMatrix tr = FeatureMatrix.copyOf(train, 120, 4);
        FeatureMatrix te = FeatureMatrix.copyOf(test, 60, 4);
        Standardizer st = Standardizer.fit(tr, 1e-6);
        LinearModel m = new LinearProbe(LinearProbe.Options.defaults()).fit(st.apply(tr), trainY, 3);
        assertThat(m.accuracy(st.apply(tr), trainY)).isEqualTo(1.0);
        assertThat(m.accuracy(st.apply(te), testY)).isEqualTo(1.0);
        assertThat(m.iterations()).isBetween(1, 300);
    }

    @Test
    void rejectsInputsThatDoNotLineUp() {
        FeatureMatrix x = FeatureMatrix.copyOf(X1D, 8, 1);
        assertThatThrownBy(() -> probe(0, DataType.FLOAT32).fit(x, new int[]{0, 1}, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8 feature rows but 2 labels");
        LinearModel m = probe(0, DataType.FLOAT32).fit(x, Y1D, 2);
        assertThatThrownBy(() -> m.accuracy(FeatureMatrix.copyOf(new float[4], 2, 2), new int[]{0, 1}))
                .hasMessageContaining("model has 1 features, matrix has 2");
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
