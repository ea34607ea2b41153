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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AdamWTest {

    @Test
    void twoStepsMatchTheFormulaAndBiasesAreNotDecayed() {
        Engine engine = Engines.pytorch();
        double lr = 0.1;
        double wd = 0.5;
        try (NDManager m = engine.newBaseManager()) {
            Block linear = Linear.builder().setUnits(1).build();
            linear.initialize(m, DataType.FLOAT32, new Shape(1, 2));
            NDArray w = linear.getParameters().get("weight").getArray();
            NDArray b = linear.getParameters().get("bias").getArray();
            w.set(new float[]{1f, -2f});
            b.set(new float[]{0.5f});
            AdamW opt = new AdamW(linear.getParameters(), wd, m);
            assertThat(opt.size()).isEqualTo(2);

            // loss = sum(x w + b) over 2 rows x = (1, 3), (2, 1): dL/dw = (3, 4), dL/db = 2, constant
            double[] gw = {3, 4};
            double gb = 2;
            double[] wRef = {1, -2};
            double bRef = 0.5;
            double[] mW = new double[2];
            double[] vW = new double[2];
            double mB = 0;
            double vB = 0;
            ParameterStore ps = new ParameterStore(m, false);
            for (int t = 1; t <= 2; t++) {
                try (NDScope scope = new NDScope()) {
                    NDArray x = m.create(new float[]{1, 3, 2, 1}, new Shape(2, 2));
                    try (GradientCollector c = engine.newGradientCollector()) {
                        c.backward(linear.forward(ps, new NDList(x), true).singletonOrThrow().sum());
                    }
                    opt.step(lr);
                }
                double bc1 = 1 - Math.pow(0.9, t);
                double bc2 = 1 - Math.pow(0.999, t);
                for (int k = 0; k < 2; k++) {
                    mW[k] = 0.9 * mW[k] + 0.1 * gw[k];
                    vW[k] = 0.999 * vW[k] + 0.001 * gw[k] * gw[k];
                    wRef[k] = wRef[k] * (1 - lr * wd) - lr * (mW[k] / bc1) / (Math.sqrt(vW[k] / bc2) + 1e-8);
                }
                mB = 0.9 * mB + 0.1 * gb;
                vB = 0.999 * vB + 0.001 * gb * gb;
                bRef = bRef - lr * (mB / bc1) / (Math.sqrt(vB / bc2) + 1e-8);
            }
            float[] wGot = w.toFloatArray();
            assertThat((double) wGot[0]).isCloseTo(wRef[0], within(1e-5));
            assertThat((double) wGot[1]).isCloseTo(wRef[1], within(1e-5));
            assertThat((double) b.getFloat()).isCloseTo(bRef, within(1e-5));
            // the gradient was consumed: zero after the step
            try (NDArray g = w.getGradient()) {
                assertThat(g.toFloatArray()).containsOnly(0f);
            }
            opt.close();
        }
    }
}
