package io.sslstream.trainer.optim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.sslstream.model.Engines;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * SGD, LARS and the schedule against their formulas, and the optimizer state's round trip: a restored optimizer
 * continues exactly as the original would have.
 */
class OptimizersTest {

    static final Engine ENGINE = Engines.pytorch();

    /**
     * A Linear(2 -> 1) with w = (1, -2), b = 0.5; the loss sum(x w + b) over the rows (1, 3) and (2, 1) has the
     * constant gradients dL/dw = (3, 4), dL/db = 2.
     */
    static Block linear(NDManager m) {
        Block linear = Linear.builder().setUnits(1).build();
        linear.initialize(m, DataType.FLOAT32, new Shape(1, 2));
        linear.getParameters().get("weight").getArray().set(new float[]{1f, -2f});
        linear.getParameters().get("bias").getArray().set(new float[]{0.5f});
        return linear;
    }

    static void steps(Block linear, Optimizer opt, NDManager m, int n, Function<Integer, Double> lr) {
        ParameterStore ps = new ParameterStore(m, false);
        for (int t = 1; t <= n; t++) {
            try (NDScope scope = new NDScope()) {
                NDArray x = m.create(new float[]{1, 3, 2, 1}, new Shape(2, 2));
                try (GradientCollector c = ENGINE.newGradientCollector()) {
                    c.backward(linear.forward(ps, new NDList(x), true).singletonOrThrow().sum());
                }
                opt.step(lr.apply(t));
            }
        }
    }

    static float[] weight(Block b) {
        return b.getParameters().get("weight").getArray().toFloatArray();
    }

    static float bias(Block b) {
        return b.getParameters().get("bias").getArray().getFloat();
    }

    @Test
    void sgdWithMomentumAndNesterovMatchesTorchsFormula() {
        for (boolean nesterov : new boolean[]{false, true}) {
            try (NDManager m = ENGINE.newBaseManager()) {
                Block lin = linear(m);
                double lr = 0.1;
                double mu = 0.9;
                double wd = 0.5;
                Sgd opt = new Sgd(lin.getParameters(), mu, nesterov, wd, m);
                steps(lin, opt, m, 3, t -> lr);
                double[] w = {1, -2};
                double[] g = {3, 4};
                double[] buf = new double[2];
                double b = 0.5;
                double bufB = 0;
                for (int t = 1; t <= 3; t++) {
                    for (int k = 0; k < 2; k++) {
                        double d = g[k] + wd * w[k];
                        buf[k] = t == 1 ? d : mu * buf[k] + d;
                        w[k] -= lr * (nesterov ? d + mu * buf[k] : buf[k]);
                    }
                    bufB = t == 1 ? 2 : mu * bufB + 2; // no decay on the bias
                    b -= lr * (nesterov ? 2 + mu * bufB : bufB);
                }
                assertThat((double) weight(lin)[0]).as("nesterov %s", nesterov).isCloseTo(w[0], within(1e-5));
                assertThat((double) weight(lin)[1]).isCloseTo(w[1], within(1e-5));
                assertThat((double) bias(lin)).isCloseTo(b, within(1e-5));
                opt.close();
            }
        }
    }

    @Test
    void larsScalesWeightUpdatesByTheTrustRatioButNotBiases() {
        try (NDManager m = ENGINE.newBaseManager()) {
            Block lin = linear(m);
            double lr = 0.5;
            double mu = 0.9;
            double wd = 0.1;
            double eta = 0.02;
            Lars opt = new Lars(lin.getParameters(), mu, wd, eta, m);
            steps(lin, opt, m, 2, t -> lr);
            double[] w = {1, -2};
            double[] buf = new double[2];
            double b = 0.5;
            double bufB = 0;
            for (int t = 1; t <= 2; t++) {
                double wn = Math.hypot(w[0], w[1]);
                double gn = Math.hypot(3, 4);
                double trust = eta * wn / (gn + wd * wn + 1e-8);
                double[] d = {(3 + wd * w[0]) * trust, (4 + wd * w[1]) * trust};
                for (int k = 0; k < 2; k++) {
                    buf[k] = mu * buf[k] + d[k];
                    w[k] -= lr * buf[k];
                }
                bufB = mu * bufB + 2;
                b -= lr * bufB;
            }
            assertThat((double) weight(lin)[0]).isCloseTo(w[0], within(1e-6));
            assertThat((double) weight(lin)[1]).isCloseTo(w[1], within(1e-6));
            assertThat((double) bias(lin)).isCloseTo(b, within(1e-5));
            assertThat(opt.trust(0, 3)).isEqualTo(1.0);
            opt.close();
        }
    }

    @Test
    void scheduleWarmsUpLinearlyThenFollowsTheCosineToItsFloor() {
        Schedule s = new Schedule(1.0, 2, 6, 0.1);
        assertThat(s.at(0)).isCloseTo(0.5, within(1e-12));
        assertThat(s.at(1)).isCloseTo(1.0, within(1e-12));
        assertThat(s.at(2)).isCloseTo(1.0, within(1e-12));
        assertThat(s.at(4)).isCloseTo(0.1 + 0.9 * 0.5, within(1e-12)); // half-way down the cosine
        assertThat(s.at(6)).isCloseTo(0.1, within(1e-12));
        assertThat(s.at(1_000)).isCloseTo(0.1, within(1e-12));
        assertThat(new Schedule(0.3, 10, 0, 0).at(500)).isEqualTo(0.3); // open-ended: constant after the warm-up
        assertThat(Schedule.cosineToOne(0.99, 0, 10)).isCloseTo(0.99, within(1e-12));
        assertThat(Schedule.cosineToOne(0.99, 5, 10)).isCloseTo(0.995, within(1e-12));
        assertThat(Schedule.cosineToOne(0.99, 10, 10)).isCloseTo(1.0, within(1e-12));
        assertThat(Schedule.cosineToOne(0.99, 10, 0)).isEqualTo(0.99);
        assertThatThrownBy(() -> new Schedule(1, 10, 5, 0)).hasMessageContaining("longer than the schedule");
    }

    @Test
    void aRestoredOptimizerContinuesExactlyLikeTheOriginal() throws IOException {
        for (String name : new String[]{AdamW.NAME, Sgd.NAME, Lars.NAME}) {
            OptimizerSettings settings = new OptimizerSettings(name, Schedule.constant(0.05), 0.1, 0.9, false, 0.02, 0.9, 0.999);
            try (NDManager m = ENGINE.newBaseManager()) {
                Block a = linear(m);
                Optimizer optA = settings.create(a.getParameters(), m);
                steps(a, optA, m, 3, t -> 0.05);
                ByteArrayOutputStream saved = new ByteArrayOutputStream();
                optA.save(new DataOutputStream(saved));

                Block b = linear(m); // the same weights as a now
                b.getParameters().get("weight").getArray().set(weight(a));
                b.getParameters().get("bias").getArray().set(new float[]{bias(a)});
                Optimizer optB = settings.create(b.getParameters(), m);
                optB.load(new DataInputStream(new ByteArrayInputStream(saved.toByteArray())));
                assertThat(optB.updates()).isEqualTo(3);

                steps(a, optA, m, 2, t -> 0.05);
                steps(b, optB, m, 2, t -> 0.05);
                assertThat(weight(b)).as(name).containsExactly(weight(a));
                assertThat(bias(b)).as(name).isEqualTo(bias(a));
                // and the state differs from a fresh optimizer's: a fresh one would have moved differently
                Block c = linear(m);
                c.getParameters().get("weight").getArray().set(new float[]{1f, -2f});
                Optimizer fresh = settings.create(c.getParameters(), m);
                assertThat(fresh.state("weight")[0].toFloatArray()).containsOnly(0f);
                assertThat(optB.state("weight")[0].toFloatArray()).doesNotContain(0f);
                optA.close();
                optB.close();
                fresh.close();
            }
        }
    }

    @Test
    void stateOfAnotherOptimizerOrShapeIsRefused() throws IOException {
        try (NDManager m = ENGINE.newBaseManager()) {
            Block a = linear(m);
            Optimizer adam = new AdamW(a.getParameters(), 0, m);
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            adam.save(new DataOutputStream(saved));
            Optimizer sgd = new Sgd(a.getParameters(), 0.9, false, 0, m);
            assertThatThrownBy(() -> sgd.load(new DataInputStream(new ByteArrayInputStream(saved.toByteArray()))))
                    .isInstanceOf(IOException.class).hasMessageContaining("state of 'adamw', this run uses 'sgd'");
            Block wide = Linear.builder().setUnits(3).build();
            wide.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            Optimizer adamWide = new AdamW(wide.getParameters(), 0, m);
            assertThatThrownBy(() -> adamWide.load(new DataInputStream(new ByteArrayInputStream(saved.toByteArray()))))
                    .isInstanceOf(IOException.class).hasMessageContaining("stored shape (1, 2), expected (3, 2)");
            assertThatThrownBy(() -> adam.load(new DataInputStream(new ByteArrayInputStream(new byte[]{1, 2, 3, 4}))))
                    .isInstanceOf(IOException.class).hasMessageContaining("bad magic");
        }
    }
}
