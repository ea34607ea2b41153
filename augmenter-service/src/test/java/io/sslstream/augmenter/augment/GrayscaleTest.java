package io.sslstream.augmenter.augment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GrayscaleTest {

    @Test
    void everyChannelBecomesTheRoundedLuma() {
        // 0.2989 * 200 + 0.587 * 100 + 0.114 * 50 = 124.18; pure red 76.22; pure blue 29.07; white stays white
        byte[] px = Image.rgb(1, 4, 200, 100, 50, 255, 0, 0, 0, 0, 255, 255, 255, 255).pixels();

        Grayscale.apply(px, 3);

        assertThat(px).isEqualTo(Image.rgb(1, 4, 124, 124, 124, 76, 76, 76, 29, 29, 29, 255, 255, 255).pixels());
    }

    @Test
    void aGrayImageStaysAsItIs() {
        byte[] px = Image.gray(1, 3, 1, 128, 255).pixels();

        Grayscale.apply(px, 1);

        assertThat(px).isEqualTo(Image.gray(1, 3, 1, 128, 255).pixels());
    }

    @Test
    void rejectsOtherChannelCounts() {
        assertThatThrownBy(() -> Grayscale.apply(new byte[4], 2)).hasMessageContaining("1 or 3 channels");
    }
}
