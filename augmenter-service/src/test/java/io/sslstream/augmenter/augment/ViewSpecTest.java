package io.sslstream.augmenter.augment;

import io.sslstream.contracts.codec.View;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-view pipeline: each op at probability 1 and 0, the probabilities in between, and the documented draw order. */
class ViewSpecTest {

    static final RandomResizedCrop.Interpolation FIXED = RandomResizedCrop.Interpolation.FIXED_POINT;

    static final ViewSpec.Crop WHOLE = new ViewSpec.Crop(1, 1, 1, 1);
    static final Image RGB = RandomResizedCropTest.randomImage(11, 11, 3, 5);

    static ViewSpec spec(double flip, ColorJitter.Strength jitter, double gray, ViewSpec.Blur blur, ViewSpec.Solarization solarize) {
        return new ViewSpec(ViewSpec.Size.INPUT, FIXED, WHOLE, flip, jitter, gray, blur, solarize);
    }

    static ViewSpec nothing() {
        return spec(0, ColorJitter.Strength.NONE, 0, ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE);
    }

    @Test
    void withEveryProbabilityZeroAWholeCropIsTheImage() {
        View v = nothing().make(RGB, new SplittableRandom(1));

        assertThat(v.pixels()).isEqualTo(RGB.pixels());
    }

    @Test
    void eachOpAtProbabilityOneIsApplied() {
        byte[] solarized = RGB.pixels().clone();
        Solarize.apply(solarized, 100);
        byte[] gray = RGB.pixels().clone();
        Grayscale.apply(gray, 3);
        byte[] blurred = GaussianBlur.apply(RGB.pixels(), 11, 11, 3, 5, 1.5);

        assertThat(spec(0, ColorJitter.Strength.NONE, 0, ViewSpec.Blur.NONE, new ViewSpec.Solarization(1, 100))
                .make(RGB, new SplittableRandom(1)).pixels()).isEqualTo(solarized);
        assertThat(spec(0, ColorJitter.Strength.NONE, 1, ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE)
                .make(RGB, new SplittableRandom(1)).pixels()).isEqualTo(gray);
        assertThat(spec(0, ColorJitter.Strength.NONE, 0, new ViewSpec.Blur(1, 1.5, 1.5, 5), ViewSpec.Solarization.NONE)
                .make(RGB, new SplittableRandom(1)).pixels()).isEqualTo(blurred);
        assertThat(spec(1, ColorJitter.Strength.NONE, 0, ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE)
                .make(RGB, new SplittableRandom(1)).pixels()).isEqualTo(HorizontalFlip.apply(RGB).pixels());
    }

    @Test
    void opsApplyAtTheirProbability() {
        ViewSpec solarize = spec(0, ColorJitter.Strength.NONE, 0, ViewSpec.Blur.NONE, new ViewSpec.Solarization(0.2, 128));
        ViewSpec blur = spec(0, ColorJitter.Strength.NONE, 0, new ViewSpec.Blur(0.1, 1, 2, 3), ViewSpec.Solarization.NONE);
        int solarized = 0;
        int blurred = 0;
        for (long seed = 0; seed < 4000; seed++) {
            solarized += solarize.make(RGB, new SplittableRandom(seed)).equals(new View(11, 11, 3, RGB.pixels())) ? 0 : 1;
            blurred += blur.make(RGB, new SplittableRandom(seed)).equals(new View(11, 11, 3, RGB.pixels())) ? 0 : 1;
        }
        // binomial(4000, 0.2): 800 +- 25; binomial(4000, 0.1): 400 +- 19
        assertThat(solarized).isBetween(700, 900);
        assertThat(blurred).isBetween(330, 470);
    }

    @Test
    void drawsInTheDocumentedOrder() {
        ViewSpec all = new ViewSpec(ViewSpec.Size.square(9), FIXED, new ViewSpec.Crop(0.3, 1, 0.5, 2), 0.5,
                new ColorJitter.Strength(0.5, 0.4, 0.4, 0.4, 0.1), 0.5, new ViewSpec.Blur(0.5, 0.5, 2, 3),
                new ViewSpec.Solarization(0.5, 128));
        for (long seed = 0; seed < 200; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            // crop box, flip coin, jitter coin (+ order and factors), grayscale coin, blur coin (+ sigma), solarize coin
            CropBox box = RandomResizedCrop.sample(11, 11, 0.3, 1, 0.5, 2, rnd);
            boolean flip = rnd.nextDouble() < 0.5;
            byte[] px = RandomResizedCrop.resize(RGB, box, flip, 9, 9, FIXED).pixels();
            if (rnd.nextDouble() < 0.5) {
                ColorJitter.apply(px, 3, ColorJitter.sample(all.jitter(), rnd));
            }
            if (rnd.nextDouble() < 0.5) {
                Grayscale.apply(px, 3);
            }
            if (rnd.nextDouble() < 0.5) {
                px = GaussianBlur.apply(px, 9, 9, 3, 3, RandomResizedCrop.uniform(rnd, 0.5, 2));
            }
            if (rnd.nextDouble() < 0.5) {
                Solarize.apply(px, 128);
            }

            SplittableRandom same = new SplittableRandom(seed);
            assertThat(all.make(RGB, same).pixels()).as("seed %d", seed).isEqualTo(px);
            assertThat(same.nextLong()).isEqualTo(rnd.nextLong());
        }
    }

    @Test
    void theResizeCountsTheHistogramTheContrastJitterWouldCount() {
        // contrast first on RGB: the resize's histogram is used; saturation first: the jitter counts again
        ViewSpec contrastOnly = spec(0, new ColorJitter.Strength(1, 0, 0.9, 0, 0), 0, ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE)
                .withSize(ViewSpec.Size.square(7));
        for (long seed = 0; seed < 50; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            CropBox box = RandomResizedCrop.sample(11, 11, 1, 1, 1, 1, rnd);
            assertThat(rnd.nextDouble()).as("the jitter's coin, p = 1").isLessThan(1.0);
            ColorJitter.Params p = ColorJitter.sample(contrastOnly.jitter(), rnd);
            byte[] px = RandomResizedCrop.resize(RGB, box, false, 7, 7, FIXED).pixels();
            ColorJitter.apply(px, 3, p);

            assertThat(contrastOnly.make(RGB, new SplittableRandom(seed)).pixels()).isEqualTo(px);
        }
        assertThat(ColorJitter.usesInputHistogram(ColorJitter.Params.brightnessContrast(1.1, 0.9, true), 3)).isTrue();
        assertThat(ColorJitter.usesInputHistogram(new ColorJitter.Params(java.util.List.of(ColorJitter.Op.SATURATION,
                ColorJitter.Op.CONTRAST), 1, 0.9, 0.5, 0), 3)).isFalse();
        assertThat(ColorJitter.usesInputHistogram(new ColorJitter.Params(java.util.List.of(ColorJitter.Op.SATURATION,
                ColorJitter.Op.CONTRAST), 1, 0.9, 0.5, 0), 1)).isTrue();
        assertThat(ColorJitter.usesInputHistogram(new ColorJitter.Params(java.util.List.of(ColorJitter.Op.BRIGHTNESS), 1.2, 1, 1, 0), 1))
                .isFalse();
    }

    @Test
    void relativeAndFixedSizes() {
        assertThat(ViewSpec.Size.relative(Recipes.LOCAL_FRACTION).height(28)).isEqualTo(12);
        assertThat(ViewSpec.Size.relative(Recipes.LOCAL_FRACTION).width(96)).isEqualTo(41);
        assertThat(ViewSpec.Size.relative(0.1).height(3)).isEqualTo(1);
        assertThat(ViewSpec.Size.square(32).height(500)).isEqualTo(32);
        assertThat(ViewSpec.Size.INPUT.width(77)).isEqualTo(77);
    }
}
