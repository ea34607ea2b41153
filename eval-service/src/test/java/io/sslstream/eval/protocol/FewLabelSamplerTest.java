package io.sslstream.eval.protocol;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FewLabelSamplerTest {

    /** 5 classes, 50 rows each, in a shuffled order. */
    static int[] labels() {
        int[] y = new int[250];
        for (int i = 0; i < y.length; i++) {
            y[i] = i % 5;
        }
        SplittableRandom r = new SplittableRandom(99);
        for (int i = y.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = y[i];
            y[i] = y[j];
            y[j] = t;
        }
        return y;
    }

    @Test
    void drawsExactlyNDistinctRowsOfEveryClass() {
        int[] y = labels();
        int[] rows = FewLabelSampler.sample(y, 7, 1);
        assertThat(rows).hasSize(35).isSorted().doesNotHaveDuplicates();
        int[] perClass = new int[5];
        for (int r : rows) {
            perClass[y[r]]++;
        }
        assertThat(perClass).containsOnly(7);
    }

    @Test
    void isDeterministicPerSeedAndDiffersAcrossSeeds() {
        int[] y = labels();
        assertThat(FewLabelSampler.sample(y, 10, 0)).containsExactly(FewLabelSampler.sample(y.clone(), 10, 0));
        assertThat(FewLabelSampler.sample(y, 10, 0)).isNotEqualTo(FewLabelSampler.sample(y, 10, 1));
        // all rows of a class when N equals its size
        assertThat(FewLabelSampler.sample(y, 50, 3)).containsExactly(java.util.stream.IntStream.range(0, 250).toArray());
    }

    @Test
    void coversTheClassUniformlyOverSeeds() {
        // each of the 50 rows of a class should be picked about 10/50 of the time over many seeds
        int[] y = labels();
        int[] hits = new int[250];
        int seeds = 2000;
        for (int s = 0; s < seeds; s++) {
            for (int r : FewLabelSampler.sample(y, 10, s)) {
                hits[r]++;
            }
        }
        // expected 400 per row, binomial sd ~17.9: 6 sd either side
        assertThat(Arrays.stream(hits).min().orElseThrow()).isGreaterThan(290);
        assertThat(Arrays.stream(hits).max().orElseThrow()).isLessThan(510);
    }

    @Test
    void refusesAClassWithTooFewRows() {
        int[] y = {0, 0, 0, 1, 1, 2, 2, 2};
        assertThatThrownBy(() -> FewLabelSampler.sample(y, 3, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("class 1 has 2 train rows, fewer than 3 labels per class");
    }
}
