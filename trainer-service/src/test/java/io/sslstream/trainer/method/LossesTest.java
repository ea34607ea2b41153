package io.sslstream.trainer.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.sslstream.contracts.codec.PatchMask;
import io.sslstream.model.Engines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Every method's loss against its formula computed in plain Java double precision on small random inputs, plus a
 * case whose value is known by hand.
 */
class LossesTest {

    static NDManager m;
    final SplittableRandom rnd = new SplittableRandom(7);

    @BeforeAll
    static void engine() {
        m = Engines.pytorch().newBaseManager();
    }

    @AfterAll
    static void close() {
        m.close();
    }

    double[][] gaussian(int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] r : a) {
            for (int j = 0; j < cols; j++) {
                r[j] = (float) rnd.nextGaussian(); // representable in float32, so both sides see the same input
            }
        }
        return a;
    }

    static NDArray nd(double[][] a) {
        float[] flat = new float[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                flat[i * a[0].length + j] = (float) a[i][j];
            }
        }
        return m.create(flat, new Shape(a.length, a[0].length));
    }

    static double value(NDArray scalar) {
        return scalar.getFloat();
    }

    // ---- plain-Java helpers
    static double[] unit(double[] v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        n = Math.max(Math.sqrt(n), 1e-12);
        double[] u = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = v[i] / n;
        }
        return u;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double cos(double[] a, double[] b) {
        return dot(unit(a), unit(b));
    }

    /** Column means and (biased or unbiased) variances. */
    static double[][] moments(double[][] z, boolean unbiased) {
        int n = z.length;
        int d = z[0].length;
        double[] mean = new double[d];
        double[] var = new double[d];
        for (double[] r : z) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j] / n;
            }
        }
        for (double[] r : z) {
            for (int j = 0; j < d; j++) {
                var[j] += (r[j] - mean[j]) * (r[j] - mean[j]);
            }
        }
        for (int j = 0; j < d; j++) {
            var[j] /= unbiased ? n - 1 : n;
        }
        return new double[][]{mean, var};
    }

    // ---- MoCo

    static double infoNce(double[][] q, double[][] k, double[][] queue, double t) {
        double total = 0;
        for (int i = 0; i < q.length; i++) {
            double[] qi = unit(q[i]);
            double pos = dot(qi, unit(k[i])) / t;
            double max = pos;
            double[] neg = new double[queue.length];
            for (int j = 0; j < queue.length; j++) {
                neg[j] = dot(qi, queue[j]) / t;
                max = Math.max(max, neg[j]);
            }
            double sum = Math.exp(pos - max);
            for (double v : neg) {
                sum += Math.exp(v - max);
            }
            total += -(pos - max - Math.log(sum));
        }
        return total / q.length;
    }

    @Test
    void infoNceMatchesTheFormula() {
        for (int trial = 0; trial < 4; trial++) {
            int n = 2 + rnd.nextInt(5);
            int d = 2 + rnd.nextInt(6);
            double[][] q = gaussian(n, d);
            double[][] k = gaussian(n, d);
            double[][] queue = gaussian(3 + rnd.nextInt(8), d);
            for (int j = 0; j < queue.length; j++) {
                queue[j] = unit(queue[j]);
                for (int c = 0; c < d; c++) {
                    queue[j][c] = (float) queue[j][c];
                }
            }
            double got = value(new InfoNceLoss(0.2).apply(nd(q), nd(k), nd(queue)));
            assertThat(got).isCloseTo(infoNce(q, k, queue, 0.2), within(2e-5));
        }
        // by hand: key = query, the queue orthogonal to it: -log(e^(1/t) / (e^(1/t) + K)) with K = 2 negatives
        double[][] q = {{1, 0, 0}};
        double[][] queue = {{0, 1, 0}, {0, 0, 1}};
        double expected = -Math.log(Math.exp(1 / 0.5) / (Math.exp(1 / 0.5) + 2));
        assertThat(value(new InfoNceLoss(0.5).apply(nd(q), nd(q), nd(queue)))).isCloseTo(expected, within(1e-6));
    }

    // ---- BYOL, SimSiam

    @Test
    void cosineLossesMatchTheirFormulas() {
        double[][] p = gaussian(5, 4);
        double[][] z = gaussian(5, 4);
        double byol = 0;
        double simsiam = 0;
        for (int i = 0; i < 5; i++) {
            byol += (2 - 2 * cos(p[i], z[i])) / 5;
            simsiam += -cos(p[i], z[i]) / 5;
        }
        assertThat(value(CosineLosses.byol(nd(p), nd(z)))).isCloseTo(byol, within(1e-5));
        assertThat(value(CosineLosses.negativeCosine(nd(p), nd(z)))).isCloseTo(simsiam, within(1e-6));
        // by hand: parallel rows cost 0 (BYOL) and -1 (SimSiam); opposite rows 4 and +1
        double[][] a = {{1, 2}, {3, -1}};
        double[][] twice = {{2, 4}, {6, -2}};
        double[][] opposite = {{-1, -2}, {-3, 1}};
        assertThat(value(CosineLosses.byol(nd(a), nd(twice)))).isCloseTo(0, within(1e-6));
        assertThat(value(CosineLosses.negativeCosine(nd(a), nd(twice)))).isCloseTo(-1, within(1e-6));
        assertThat(value(CosineLosses.byol(nd(a), nd(opposite)))).isCloseTo(4, within(1e-6));
        assertThat(value(CosineLosses.negativeCosine(nd(a), nd(opposite)))).isCloseTo(1, within(1e-6));
    }

    // ---- Barlow Twins

    static double barlow(double[][] z1, double[][] z2, double lambda) {
        int n = z1.length;
        int d = z1[0].length;
        double[][] m1 = moments(z1, false);
        double[][] m2 = moments(z2, false);
        double loss = 0;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double c = 0;
                for (int r = 0; r < n; r++) {
                    c += (z1[r][i] - m1[0][i]) / Math.sqrt(m1[1][i] + 1e-5) * (z2[r][j] - m2[0][j]) / Math.sqrt(m2[1][j] + 1e-5);
                }
                c /= n;
                loss += i == j ? (1 - c) * (1 - c) : lambda * c * c;
            }
        }
        return loss;
    }

    @Test
    void barlowTwinsMatchesTheFormula() {
        try (BarlowTwinsLoss loss = new BarlowTwinsLoss(0.0051, m)) {
            for (int trial = 0; trial < 3; trial++) {
                double[][] z1 = gaussian(6 + rnd.nextInt(6), 3 + rnd.nextInt(4));
                double[][] z2 = gaussian(z1.length, z1[0].length);
                assertThat(value(loss.apply(nd(z1), nd(z2)))).isCloseTo(barlow(z1, z2, 0.0051), within(1e-4));
            }
            // by hand: z2 = -z1 in one dimension: C = -1 / (1 + eps) for a unit variance, loss = (1 + 1 / (1 + 1e-5))^2
            double[][] z1 = {{1}, {-1}};
            double[][] z2 = {{-1}, {1}};
            double c = 1 / (1 + 1e-5);
            assertThat(value(loss.apply(nd(z1), nd(z2)))).isCloseTo((1 + c) * (1 + c), within(1e-5));
            assertThatThrownBy(() -> loss.apply(nd(new double[][]{{1, 2}}), nd(new double[][]{{1, 2}})))
                    .hasMessageContaining("N >= 2");
        }
    }

    // ---- VICReg

    static double vicreg(double[][] z1, double[][] z2, double sim, double var, double cov) {
        int n = z1.length;
        int d = z1[0].length;
        double inv = 0;
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < d; j++) {
                inv += (z1[r][j] - z2[r][j]) * (z1[r][j] - z2[r][j]) / (n * d);
            }
        }
        double varTerm = 0;
        double covTerm = 0;
        for (double[][] z : List.of(z1, z2)) {
            double[][] mo = moments(z, true);
            double v = 0;
            for (int j = 0; j < d; j++) {
                v += Math.max(0, 1 - Math.sqrt(mo[1][j] + 1e-4)) / d;
            }
            varTerm += v / 2;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    if (i != j) {
                        double c = 0;
                        for (double[] row : z) {
                            c += (row[i] - mo[0][i]) * (row[j] - mo[0][j]);
                        }
                        c /= n - 1;
                        covTerm += c * c / d;
                    }
                }
            }
        }
        return sim * inv + var * varTerm + cov * covTerm;
    }

    @Test
    void vicregMatchesTheFormula() {
        try (VicRegLoss loss = new VicRegLoss(25, 25, 1, m)) {
            for (int trial = 0; trial < 3; trial++) {
                double[][] z1 = gaussian(5 + rnd.nextInt(6), 2 + rnd.nextInt(5));
                double[][] z2 = gaussian(z1.length, z1[0].length);
                for (double[] r : z2) {
                    r[0] *= 0.1f; // a collapsing dimension, so that the variance hinge is active
                }
                assertThat(value(loss.apply(nd(z1), nd(z2)))).isCloseTo(vicreg(z1, z2, 25, 25, 1), within(2e-4));
            }
            // by hand: identical constant embeddings: no invariance or covariance cost, the hinge at 1 - sqrt(1e-4)
            double[][] flat = {{3, 3}, {3, 3}, {3, 3}};
            assertThat(value(loss.apply(nd(flat), nd(flat)))).isCloseTo(25 * 0.99, within(1e-4));
        }
    }

    // ---- MAE

    @Test
    void patchifyIsMaesLayout() {
        // one image, 2 channels, 4x4, patch 2: value = c * 100 + y * 10 + x
        float[] img = new float[2 * 16];
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    img[c * 16 + y * 4 + x] = c * 100 + y * 10 + x;
                }
            }
        }
        NDArray p = MaeLoss.patchify(m.create(img, new Shape(1, 2, 4, 4)), 2);
        assertThat(p.getShape()).isEqualTo(new Shape(1, 4, 8));
        // patch 3 = grid row 1, column 1; its element (i, j, c) sits at (i * 2 + j) * 2 + c
        float[] v = p.toFloatArray();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                for (int c = 0; c < 2; c++) {
                    assertThat(v[3 * 8 + (i * 2 + j) * 2 + c]).isEqualTo(c * 100 + (2 + i) * 10 + (2 + j));
                }
            }
        }
    }

    @Test
    void maeLossAveragesNormalisedErrorsOverMaskedPatchesOnly() {
        int n = 2;
        int t = 3;
        int p = 4;
        double[][] pred = gaussian(n * t, p);
        double[][] target = gaussian(n * t, p);
        float[] mask = {1, 0, 1, 0, 0, 1};
        double sum = 0;
        double sumRaw = 0;
        for (int row = 0; row < n * t; row++) {
            double mean = 0;
            for (double v : target[row]) {
                mean += v / p;
            }
            double var = 0;
            for (double v : target[row]) {
                var += (v - mean) * (v - mean) / (p - 1);
            }
            double se = 0;
            double seRaw = 0;
            for (int k = 0; k < p; k++) {
                double tn = (target[row][k] - mean) / Math.sqrt(var + 1e-6);
                se += (pred[row][k] - tn) * (pred[row][k] - tn) / p;
                seRaw += (pred[row][k] - target[row][k]) * (pred[row][k] - target[row][k]) / p;
            }
            sum += mask[row] * se;
            sumRaw += mask[row] * seRaw;
        }
        NDArray nm = m.create(mask, new Shape(n, t));
        NDArray np = nd(pred).reshape(n, t, p);
        NDArray nt = nd(target).reshape(n, t, p);
        assertThat(value(new MaeLoss(true).apply(np, nt, nm))).isCloseTo(sum / 3, within(1e-5));
        assertThat(value(new MaeLoss(false).apply(np, nt, nm))).isCloseTo(sumRaw / 3, within(1e-5));
        // by hand: a perfect prediction of the masked patches costs 0 whatever the visible ones do
        NDArray perfect = nt.mul(nm.expandDims(2)).add(np.mul(nm.expandDims(2).neg().add(1)));
        assertThat(value(new MaeLoss(false).apply(perfect, nt, nm))).isCloseTo(0, within(1e-7));
    }

    @Test
    void maePlanKeepsVisiblePatchesAndRestoresTheOrder() {
        // a 2x2 grid; sample 0 hides patches 1 and 2, sample 1 hides only patch 0 (3 visible: it keeps its first 2)
        PatchMask a = PatchMask.of(7, new boolean[][]{{false, true}, {true, false}});
        PatchMask b = PatchMask.of(7, new boolean[][]{{true, false}, {false, false}});
        Mae.Plan plan = Mae.plan(List.of(a, b), 4);
        assertThat(plan.keep()).isEqualTo(2);
        assertThat(plan.keepIndex()).containsExactly(0, 3, 1, 2);
        assertThat(plan.lossMask()).containsExactly(0, 1, 1, 0, 1, 0, 0, 0);
        // gathering [kept..., rest...] with the restore index gives the patch order back
        long[][] order = {{0, 3, 1, 2}, {1, 2, 0, 3}};
        for (int s = 0; s < 2; s++) {
            for (int t = 0; t < 4; t++) {
                assertThat(order[s][(int) plan.restoreIndex()[s * 4 + t]]).isEqualTo(t);
            }
        }
        PatchMask all = PatchMask.of(7, new boolean[][]{{true, true}, {true, true}});
        assertThatThrownBy(() -> Mae.plan(List.of(all), 4)).hasMessageContaining("hides every patch");
    }
}
