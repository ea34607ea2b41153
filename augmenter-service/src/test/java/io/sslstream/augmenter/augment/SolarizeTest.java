package io.sslstream.augmenter.augment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SolarizeTest {

    @Test
    void invertsValuesAtOrAboveTheThresholdOnEveryChannel() {
        byte[] px = Image.rgb(1, 2, 0, 127, 128, 200, 255, 10).pixels();

        Solarize.apply(px, 128);

        assertThat(px).isEqualTo(Image.rgb(1, 2, 0, 127, 127, 55, 0, 10).pixels());
    }

    @Test
    void thresholdZeroInvertsEverythingAnd256Nothing() {
        byte[] all = Image.gray(1, 3, 0, 100, 255).pixels();
        byte[] none = Image.gray(1, 3, 0, 100, 255).pixels();

        Solarize.apply(all, 0);
        Solarize.apply(none, 256);

        assertThat(all).isEqualTo(Image.gray(1, 3, 255, 155, 0).pixels());
        assertThat(none).isEqualTo(Image.gray(1, 3, 0, 100, 255).pixels());
    }

    @Test
    void rejectsAThresholdOutsideTheValueRange() {
        assertThatThrownBy(() -> Solarize.apply(new byte[1], 300)).hasMessageContaining("threshold");
    }
}
