package io.sslstream.eval.protocol;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SoftmaxObjectiveTest {

    static final int N = 7;
    static final int D = 3;
    static final int K = 4;
    static final double WD = 0.1;

    static FeatureMatrix features(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[N * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return FeatureMatrix.copyOf(x, N, D);
    }

    static final int[] LABELS = {0, 1, 2, 3, 1, 2, 0};

    static double[] theta(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] t = new double[K * D + K];
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextDouble() - 0.5;
        }
        return t;
    }

    /** The objective written out in plain Java doubles, as a second method. */
    static double reference(FeatureMatrix x, int[] y, double[] theta) {
        double loss = 0;
        for (int i = 0; i < N; i++) {
            double[] z = new double[K];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < K; c++) {
                z[c] = theta[K * D + c];
                for (int j = 0; j < D; j++) {
                    z[c] += theta[c * D + j] * x.get(i, j);
                }
                max = Math.max(max, z[c]);
            }
            double sum = 0;
            for (int c = 0; c < K; c++) {
                sum += Math.exp(z[c] - max);
            }
            loss += -(z[y[i]] - max - Math.log(sum));
        }
        double penalty = 0;
        for (int i = 0; i < K * D; i++) {
            penalty += theta[i] * theta[i];
        }
        return loss / N + 0.5 * WD * penalty;
    }

    @Test
    void valueMatchesTheFormulaAndGradientMatchesFiniteDifferences() {
        FeatureMatrix x = features(3);
        double[] theta = theta(4);
        try (SoftmaxObjective f = new SoftmaxObjective(x, LABELS, K, WD, Device.cpu(), DataType.FLOAT64)) {
            double[] grad = new double[f.dimension()];
            double value = f.evaluate(theta, grad);
            assertThat(value).isCloseTo(reference(x, LABELS, theta), within(1e-12));
            double h = 1e-6;
            double[] scratch = new double[f.dimension()];
            for (int i = 0; i < theta.length; i++) {
                double[] plus = theta.clone();
                double[] minus = theta.clone();
                plus[i] += h;
                minus[i] -= h;
                double fd = (f.evaluate(plus, scratch) - f.evaluate(minus, scratch)) / (2 * h);
                assertThat(grad[i]).as("d/dtheta[%d]", i).isCloseTo(fd, within(1e-8));
            }
            // the bias gradient of a softmax sums to 0 over classes: a cheap structural check
            double sumDb = 0;
            for (int c = 0; c < K; c++) {
                sumDb += grad[K * D + c];
            }
            assertThat(sumDb).isCloseTo(0, within(1e-12));
        }
    }

    @Test
    void float32AgreesWithFloat64() {
        FeatureMatrix x = features(5);
        double[] theta = theta(6);
        try (SoftmaxObjective f64 = new SoftmaxObjective(x, LABELS, K, WD, Device.cpu(), DataType.FLOAT64);
             SoftmaxObjective f32 = new SoftmaxObjective(x, LABELS, K, WD, Device.cpu(), DataType.FLOAT32)) {
            double[] g64 = new double[f64.dimension()];
            double[] g32 = new double[f32.dimension()];
            assertThat(f32.evaluate(theta, g32)).isCloseTo(f64.evaluate(theta, g64), within(1e-5));
            for (int i = 0; i < g64.length; i++) {
                assertThat(g32[i]).as("grad[%d]", i).isCloseTo(g64[i], within(1e-5));
            }
        }
    }

    @Test
    void repeatedEvaluationsKeepNativeMemoryFlat() {
        try (SoftmaxObjective f = new SoftmaxObjective(features(7), LABELS, K, WD, Device.cpu(), DataType.FLOAT32)) {
            double[] grad = new double[f.dimension()];
            f.evaluate(theta(1), grad);
            int before = f.managedArrays();
            for (int i = 0; i < 200; i++) {
                f.evaluate(theta(i), grad);
            }
            assertThat(f.managedArrays()).isEqualTo(before);
        }
    }

    @Test
    void inputsThatDoNotLineUpAreRejectedWithTheirSizes() {
        assertThatThrownBy(() -> new SoftmaxObjective(features(1), new int[]{0, 1}, K, WD, Device.cpu(), DataType.FLOAT32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 feature rows but 2 labels");
        assertThatThrownBy(() -> new SoftmaxObjective(features(1), new int[]{0, 1, 2, 3, 4, 0, 0}, K, WD, Device.cpu(), DataType.FLOAT32))
                .hasMessageContaining("label 4 of row 4 outside [0, 4)");
        try (SoftmaxObjective f = new SoftmaxObjective(features(1), LABELS, K, WD, Device.cpu(), DataType.FLOAT32)) {
            assertThatThrownBy(() -> f.evaluate(new double[3], new double[3]))
                    .hasMessageContaining("need 16 values (K=4, D=3), got 3 and 3");
        }
    }
}
