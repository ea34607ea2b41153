package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.sslstream.model.Engines;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class NtXentLossTest {

    /** The textbook formula in double precision: mean over anchors of -log softmax(sim/t)[positive]. */
    static double reference(double[][] z, double t) {
        int n2 = z.length;
        double[][] u = new double[n2][];
        for (int i = 0; i < n2; i++) {
            double norm = 0;
            for (double v : z[i]) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            u[i] = new double[z[i].length];
            for (int k = 0; k < z[i].length; k++) {
                u[i][k] = z[i][k] / norm;
            }
        }
        double total = 0;
        for (int i = 0; i < n2; i++) {
            int pos = (i + n2 / 2) % n2;
            double denom = 0;
            double posTerm = 0;
            for (int j = 0; j < n2; j++) {
                if (j == i) {
                    continue;
                }
                double s = 0;
                for (int k = 0; k < u[i].length; k++) {
                    s += u[i][k] * u[j][k];
                }
                denom += Math.exp(s / t);
                if (j == pos) {
                    posTerm = s / t;
                }
            }
            total += -(posTerm - Math.log(denom));
        }
        return total / n2;
    }

    @Test
    void matchesTheReferenceOnRandomInputs() {
        SplittableRandom rnd = new SplittableRandom(3);
        try (NDManager m = Engines.pytorch().newBaseManager(); NtXentLoss loss = new NtXentLoss(0.5, m)) {
            for (int trial = 0; trial < 5; trial++) {
                int n2 = 2 * (1 + rnd.nextInt(6));
                int d = 1 + rnd.nextInt(8);
                double[][] z = new double[n2][d];
                float[] flat = new float[n2 * d];
                for (int i = 0; i < n2; i++) {
                    for (int k = 0; k < d; k++) {
                        z[i][k] = (float) rnd.nextGaussian();
                        flat[i * d + k] = (float) z[i][k];
                    }
                }
                NDArray got = loss.apply(m.create(flat, new Shape(n2, d)));
                assertThat((double) got.getFloat()).as("2N=%d D=%d", n2, d).isCloseTo(reference(z, 0.5), within(1e-5));
            }
        }
    }

    @Test
    void handComputedCase() {
        // two pairs of identical unit vectors, the pairs orthogonal: for each anchor the positive has
        // similarity 1, the two negatives 0; loss = -log(e^(1/t) / (e^(1/t) + 2)) with t = 0.5
        float[] z = {1, 0, 0, 1, 1, 0, 0, 1};
        double expected = -Math.log(Math.exp(2) / (Math.exp(2) + 2));
        try (NDManager m = Engines.pytorch().newBaseManager(); NtXentLoss loss = new NtXentLoss(0.5, m)) {
            assertThat((double) loss.apply(m.create(z, new Shape(4, 2))).getFloat()).isCloseTo(expected, within(1e-6));
            assertThatThrownBy(() -> loss.apply(m.create(new float[3], new Shape(3, 1)))).hasMessageContaining("even number");
        }
    }
}
