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
    void fixedPointIsWithinOneLevelOfFloat32AndExactWhereFloat32IsExact() {
        SplittableRandom rnd = new SplittableRandom(17);
        int differ = 0;
        int total = 0;
        for (int i = 0; i < 300; i++) {
            int c = i % 2 == 0 ? 1 : 3;
            Image img = randomImage(1 + rnd.nextInt(60), 1 + rnd.nextInt(60), c, i);
            CropBox box = RandomResizedCrop.sample(img.height(), img.width(), 0.05, 1, 0.5, 2, rnd);
            int outH = 1 + rnd.nextInt(80);
            int outW = 1 + rnd.nextInt(80);
            boolean mirror = rnd.nextBoolean();

            Image f = RandomResizedCrop.resize(img, box, mirror, outH, outW, RandomResizedCrop.Interpolation.FLOAT32);
            Image x = RandomResizedCrop.resize(img, box, mirror, outH, outW, RandomResizedCrop.Interpolation.FIXED_POINT);

            for (int k = 0; k < f.pixels().length; k++) {
                int d = Math.abs((f.pixels()[k] & 0xFF) - (x.pixels()[k] & 0xFF));
                assertThat(d).as("case %d, byte %d", i, k).isLessThanOrEqualTo(1);
                differ += d;
                total++;
            }
        }
        assertThat((double) differ / total).as("share of values one level apart").isLessThan(0.05);
        // the known values of the float tests hold in fixed point too
        assertThat(RandomResizedCrop.resize(Image.gray(1, 2, 0, 100), CropBox.full(1, 2), false, 1, 4,
                RandomResizedCrop.Interpolation.FIXED_POINT)).isEqualTo(Image.gray(1, 4, 0, 25, 75, 100));
        Image gray = Image.gray(3, 3, 0, 10, 20, 30, 40, 50, 60, 70, 255);
        assertThat(RandomResizedCrop.resize(gray, CropBox.full(3, 3), false, 3, 3, RandomResizedCrop.Interpolation.FIXED_POINT))
                .isEqualTo(gray);
    }

    @Test
    void theHistogramCountedWhileResizingIsTheOutputsHistogram() {
        Image img = randomImage(20, 17, 3, 4);
        for (RandomResizedCrop.Interpolation mode : RandomResizedCrop.Interpolation.values()) {
            int[] hist = new int[768];
            java.util.Arrays.fill(hist, 99);
            byte[] out = new byte[13 * 11 * 3];

            RandomResizedCrop.resize(img, new CropBox(2, 3, 15, 12), true, out, 13, 11, mode, hist);

            assertThat(hist).as(mode.name()).isEqualTo(ColorJitter.histogram(out, 3, new int[768]));
            assertThat(out).isEqualTo(RandomResizedCrop.resize(img, new CropBox(2, 3, 15, 12), true, 13, 11, mode).pixels());
        }
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
