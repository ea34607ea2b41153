package io.sslstream.augmenter.augment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HorizontalFlipTest {

    @Test
    void mirrorsEachRowOfAGrayImage() {
        Image img = Image.gray(2, 3,
                1, 2, 3,
                4, 5, 6);

        assertThat(HorizontalFlip.apply(img).pixels()).isEqualTo(Image.gray(2, 3,
                3, 2, 1,
                6, 5, 4).pixels());
    }

    @Test
    void movesWholePixelsOfAnRgbImageAndKeepsChannelOrder() {
        Image img = Image.rgb(2, 3,
                1, 2, 3, 4, 5, 6, 7, 8, 9,
                10, 11, 12, 13, 14, 15, 16, 17, 18);

        assertThat(HorizontalFlip.apply(img).pixels()).isEqualTo(Image.rgb(2, 3,
                7, 8, 9, 4, 5, 6, 1, 2, 3,
                16, 17, 18, 13, 14, 15, 10, 11, 12).pixels());
    }

    @Test
    void twiceIsTheIdentity() {
        Image img = Image.rgb(1, 2, 1, 2, 3, 4, 5, 6);

        assertThat(HorizontalFlip.apply(HorizontalFlip.apply(img))).isEqualTo(img);
    }

    @Test
    void refusesToFlipInPlace() {
        Image img = Image.gray(1, 2, 1, 2);

        assertThatThrownBy(() -> HorizontalFlip.apply(img, img.pixels())).isInstanceOf(IllegalArgumentException.class);
    }
}
