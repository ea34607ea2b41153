package io.sslstream.augmenter.augment;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RandomResizedCropTest {

    @Test
    void cropAtScaleOneAndRatioOneIsTheWholeImageAndResizingItIsTheIdentity() {
        Image gray = Image.gray(3, 3, 0, 10, 20, 30, 40, 50, 60, 70, 255);
        Image rgb = Image.rgb(2, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 250, 251, 252);

        CropBox box = RandomResizedCrop.sample(3, 3, 1, 1, 1, 1, new SplittableRandom(7));

        assertThat(box).isEqualTo(CropBox.full(3, 3));
        assertThat(RandomResizedCrop.resize(gray, box, false, 3, 3)).isEqualTo(gray);
        assertThat(RandomResizedCrop.resize(rgb, CropBox.full(2, 2), false, 2, 2)).isEqualTo(rgb);
    }

    @Test
    void upsamplingARowFollowsHalfPixelCentresLikePyTorch() {
        // F.interpolate([[0, 100]], size=4, mode='bilinear', align_corners=False) = [0, 25, 75, 100]
        Image row = Image.gray(1, 2, 0, 100);

        assertThat(RandomResizedCrop.resize(row, CropBox.full(1, 2), false, 1, 4))
                .isEqualTo(Image.gray(1, 4, 0, 25, 75, 100));
    }

    @Test
    void downsamplingARowInterpolatesBetweenNeighboursWithoutAntialiasing() {
        Image row = Image.gray(1, 4, 0, 40, 80, 120);

        assertThat(RandomResizedCrop.resize(row, CropBox.full(1, 4), false, 1, 2)).isEqualTo(Image.gray(1, 2, 20, 100));
    }

    @Test
    void resizingACropOfAGradientGivesTheGradientAtTheSourceCoordinates() {
        // v(y, x) = 40 y + 20 x; the centre 2x2 crop resized to 4x4 samples x and y at 1, 1.25, 1.75, 2 (clamped at the edges)
        int[] v = new int[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                v[y * 4 + x] = 40 * y + 20 * x;
            }
        }
        Image gradient = Image.gray(4, 4, v);

        Image out = RandomResizedCrop.resize(gradient, new CropBox(1, 1, 2, 2), false, 4, 4);

        int[] xs = {20, 25, 35, 40};
        int[] ys = {40, 50, 70, 80};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertThat(out.at(y, x, 0)).as("(%d, %d)", y, x).isEqualTo(ys[y] + xs[x]);
            }
        }
    }

    @Test
    void mirroredResizeIsTheFlipOfTheResize() {
        Image img = randomImage(9, 7, 3, 1);
        CropBox box = new CropBox(1, 2, 6, 5);

        Image mirrored = RandomResizedCrop.resize(img, box, true, 8, 8);

        assertThat(mirrored).isEqualTo(HorizontalFlip.apply(RandomResizedCrop.resize(img, box, false, 8, 8)));
    }

    @Test
    void sampledBoxesFitAndCoverTheRequestedAreaAndShape() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 2000; i++) {
            CropBox b = RandomResizedCrop.sample(28, 28, 0.5, 1.0, 3.0 / 4, 4.0 / 3, rnd);

            assertThat(b.top() + b.height()).isLessThanOrEqualTo(28);
            assertThat(b.left() + b.width()).isLessThanOrEqualTo(28);
            // w and h are rounded separately, hence the margins
            assertThat(b.height() * b.width()).isBetween(360, 784);
            assertThat((double) b.width() / b.height()).isBetween(0.7, 1.43);
        }
    }

    @Test
    void sameRandomStateGivesTheSameBox() {
        assertThat(RandomResizedCrop.sample(100, 60, 0.08, 1, 0.75, 4.0 / 3, new SplittableRandom(3)))
                .isEqualTo(RandomResizedCrop.sample(100, 60, 0.08, 1, 0.75, 4.0 / 3, new SplittableRandom(3)));
    }

    @Test
    void fallsBackToACentreCropOfTheClosestRatioWhenNoAttemptFits() {
        // a ratio of 2 at full area never fits a square: torchvision takes the full width and height = width / 2
        assertThat(RandomResizedCrop.sample(10, 10, 1, 1, 2, 2, new SplittableRandom(1))).isEqualTo(new CropBox(2, 0, 5, 10));
        // ratio 1/4: full height, width = round(2.5) = 2 with Python's round-half-even, centred
        assertThat(RandomResizedCrop.sample(10, 10, 1, 1, 0.25, 0.25, new SplittableRandom(1))).isEqualTo(new CropBox(0, 4, 10, 2));
    }

    @Test
    void rejectsABoxOutsideTheImageAndAWrongOutputSize() {
        Image img = Image.gray(2, 2, 1, 2, 3, 4);

        assertThatThrownBy(() -> RandomResizedCrop.resize(img, new CropBox(1, 0, 2, 2), false, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> RandomResizedCrop.resize(img, CropBox.full(2, 2), false, new byte[3], 2, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static Image randomImage(int h, int w, int c, long seed) {
        byte[] p = new byte[h * w * c];
        new SplittableRandom(seed).nextBytes(p);
        return new Image(h, w, c, p);
    }
}
