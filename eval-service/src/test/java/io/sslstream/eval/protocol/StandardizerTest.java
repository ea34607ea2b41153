package io.sslstream.eval.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class StandardizerTest {

    @Test
    void usesTheUnbiasedStdAndClampsConstantFeatures() {
        // column 0: 1, 2, 3, 4 (mean 2.5, unbiased variance 5/3); column 1: always 7
        FeatureMatrix train = FeatureMatrix.copyOf(new float[]{1, 7, 2, 7, 3, 7, 4, 7}, 4, 2);
        Standardizer s = Standardizer.fit(train, 1e-6);
        assertThat(s.mean(0)).isCloseTo(2.5, within(1e-12));
        assertThat(s.std(0)).isCloseTo(Math.sqrt(5.0 / 3), within(1e-12));
        assertThat(s.std(1)).isEqualTo(1e-6);
        FeatureMatrix z = s.apply(FeatureMatrix.copyOf(new float[]{4, 7, 2.5f, 7.5f}, 2, 2));
        assertThat(z.get(0, 0)).isCloseTo((float) (1.5 / Math.sqrt(5.0 / 3)), within(1e-6f));
        assertThat(z.get(0, 1)).isZero();
        assertThat(z.get(1, 0)).isZero();
        assertThat(z.get(1, 1)).isCloseTo(5e5f, within(1f)); // the peer's clamp blows up unseen variation the same way
    }

    @Test
    void rejectsWhatCannotBeStandardised() {
        assertThatThrownBy(() -> Standardizer.fit(FeatureMatrix.copyOf(new float[]{1, 2}, 1, 2), 1e-6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 train rows, got 1");
        Standardizer s = Standardizer.fit(FeatureMatrix.copyOf(new float[]{1, 2, 3, 4}, 2, 2), 1e-6);
        assertThatThrownBy(() -> s.apply(FeatureMatrix.copyOf(new float[3], 1, 3)))
                .hasMessageContaining("fitted on 2 features, got a matrix with 3");
    }
}
