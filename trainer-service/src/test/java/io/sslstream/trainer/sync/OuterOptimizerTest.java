package io.sslstream.trainer.sync;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The outer step by hand, two rounds, with PyTorch's Nesterov SGD ({@code v = m v + g; w -= lr (g + m v)}), lr 0.7 and
 * momentum 0.9, for a trained tensor and an averaged one (running statistics).
 */
class OuterOptimizerTest {

    @Test
    void twoRoundsAsComputedByHand() throws Exception {
        OuterOptimizer outer = new OuterOptimizer(0.7, 0.9, new int[]{2, 1}, new boolean[]{true, false});
        float[][] w = {{1.0f, 2.0f}, {10.0f}};

        // round 1: replicas A and B; mean g = [0.3, -0.2], running statistic mean 2
        float[][] g1 = OuterOptimizer.mean(List.of(new float[][]{{0.2f, -0.4f}, {1.0f}}, new float[][]{{0.4f, 0.0f}, {3.0f}}));
        assertThat(g1[0][0]).isCloseTo(0.3f, within(1e-7f));
        assertThat(g1[0][1]).isCloseTo(-0.2f, within(1e-7f));
        outer.step(w, g1);
        // v = [0.3, -0.2]; w = 1 - 0.7 (0.3 + 0.27) = 0.601, 2 - 0.7 (-0.2 - 0.18) = 2.266; statistic 10 - 2 = 8
        assertThat(w[0][0]).isCloseTo(0.601f, within(1e-6f));
        assertThat(w[0][1]).isCloseTo(2.266f, within(1e-6f));
        assertThat(w[1][0]).isEqualTo(8.0f);

        // round 2: one replica, g = [0.1, 0.1], statistic 0.5
        outer.step(w, new float[][]{{0.1f, 0.1f}, {0.5f}});
        // v = 0.9 [0.3, -0.2] + 0.1 = [0.37, -0.08]; w = 0.601 - 0.7 (0.1 + 0.333) = 0.2979, 2.266 - 0.7 (0.1 - 0.072) = 2.2464
        assertThat(outer.velocity(0)[0]).isCloseTo(0.37f, within(1e-6f));
        assertThat(outer.velocity(0)[1]).isCloseTo(-0.08f, within(1e-6f));
        assertThat(w[0][0]).isCloseTo(0.2979f, within(1e-6f));
        assertThat(w[0][1]).isCloseTo(2.2464f, within(1e-6f));
        assertThat(w[1][0]).isEqualTo(7.5f);
        assertThat(outer.velocity(1)).as("no momentum for an averaged tensor").isEmpty();

        // the momentum survives a checkpoint: a restored optimizer takes the same third step
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        outer.save(new DataOutputStream(saved));
        OuterOptimizer restored = new OuterOptimizer(0.7, 0.9, new int[]{2, 1}, new boolean[]{true, false});
        restored.load(new DataInputStream(new ByteArrayInputStream(saved.toByteArray())));
        float[][] a = {w[0].clone(), w[1].clone()};
        float[][] b = {w[0].clone(), w[1].clone()};
        float[][] g3 = {{-0.05f, 0.2f}, {0f}};
        outer.step(a, g3);
        restored.step(b, g3);
        assertThat(b[0]).containsExactly(a[0]);
    }

    @Test
    void theMeanIsTheSameWhateverReplicaComputesIt() {
        float[][] x = {{0.1f, 1e-3f}};
        float[][] y = {{0.2f, 3e-3f}};
        float[][] z = {{-0.7f, 5e-4f}};
        float[][] m1 = OuterOptimizer.mean(List.of(x, y, z));
        float[][] m2 = OuterOptimizer.mean(List.of(x, y, z));
        assertThat(Float.floatToIntBits(m1[0][0])).isEqualTo(Float.floatToIntBits(m2[0][0]));
        assertThat(m1[0][1]).isCloseTo((1e-3f + 3e-3f + 5e-4f) / 3, within(1e-9f));
    }
}
