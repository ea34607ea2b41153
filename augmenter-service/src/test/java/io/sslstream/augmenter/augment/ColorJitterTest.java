package io.sslstream.augmenter.augment;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ColorJitterTest {

    @Test
    void brightnessScalesRoundsAndClampsAt255() {
        byte[] up = Image.gray(1, 3, 0, 100, 200).pixels();
        byte[] down = Image.gray(1, 3, 10, 100, 255).pixels();

        ColorJitter.brightness(up, 1.5);
        ColorJitter.brightness(down, 0.6);

        assertThat(up).isEqualTo(Image.gray(1, 3, 0, 150, 255).pixels());
        assertThat(down).isEqualTo(Image.gray(1, 3, 6, 60, 153).pixels());
    }

    @Test
    void contrastBlendsWithTheMeanAndClampsAtBothEnds() {
        // mean 100: 100 + 2 (x - 100)
        byte[] px = Image.gray(1, 4, 0, 50, 100, 250).pixels();

        ColorJitter.contrast(px, 1, 2.0);

        assertThat(px).isEqualTo(Image.gray(1, 4, 0, 0, 100, 255).pixels());
    }

    @Test
    void contrastOfRgbUsesTheLumaMeanForEveryChannel() {
        // gray of (255, 0, 0) is 0.2989 * 255 = 76.2; the mean with a black pixel is 38.1
        byte[] px = Image.rgb(1, 2, 255, 0, 0, 0, 0, 0).pixels();

        ColorJitter.contrast(px, 3, 0.0);

        assertThat(px).isEqualTo(Image.rgb(1, 2, 38, 38, 38, 38, 38, 38).pixels());
    }

    @Test
    void contrastOneAndBrightnessOneChangeNothing() {
        byte[] px = RandomResizedCropTest.randomImage(5, 5, 3, 9).pixels();
        byte[] before = px.clone();

        ColorJitter.apply(px, 3, ColorJitter.Params.brightnessContrast(1.0, 1.0, false));

        assertThat(px).isEqualTo(before);
    }

    @Test
    void appliesBothOpsInTheDrawnOrderAsIfOneAfterTheOther() {
        // brightness 2 first: [20, 200, 255], mean 158.33, then contrast 0.5: [89, 179, 207]
        byte[] brightnessFirst = Image.gray(1, 3, 10, 100, 200).pixels();
        ColorJitter.apply(brightnessFirst, 1, ColorJitter.Params.brightnessContrast(2.0, 0.5, true));
        assertThat(brightnessFirst).isEqualTo(Image.gray(1, 3, 89, 179, 207).pixels());

        // contrast 0.5 first: mean 103.33, [57, 102, 152], then brightness 2: [114, 204, 255]
        byte[] contrastFirst = Image.gray(1, 3, 10, 100, 200).pixels();
        ColorJitter.apply(contrastFirst, 1, ColorJitter.Params.brightnessContrast(2.0, 0.5, false));
        assertThat(contrastFirst).isEqualTo(Image.gray(1, 3, 114, 204, 255).pixels());
    }

    @Test
    void theComposedTableEqualsTheSequentialOpsOnRgbToo() {
        for (long seed = 0; seed < 20; seed++) {
            byte[] fused = RandomResizedCropTest.randomImage(6, 5, 3, seed).pixels();
            byte[] sequential = fused.clone();
            ColorJitter.Params p = ColorJitter.sample(0.9, new SplittableRandom(seed));

            ColorJitter.apply(fused, 3, p);
            applyOneByOne(sequential, 3, p);

            assertThat(fused).as("seed %d, %s", seed, p).isEqualTo(sequential);
        }
    }

    @Test
    void drawsFactorsInTheStrengthRangeAndBothOrders() {
        SplittableRandom rnd = new SplittableRandom(5);
        int brightnessFirst = 0;
        for (int i = 0; i < 500; i++) {
            ColorJitter.Params p = ColorJitter.sample(0.4, rnd);
            assertThat(p.brightness()).isBetween(0.6, 1.4);
            assertThat(p.contrast()).isBetween(0.6, 1.4);
            assertThat(p.order()).containsExactlyInAnyOrder(ColorJitter.Op.BRIGHTNESS, ColorJitter.Op.CONTRAST);
            brightnessFirst += p.order().get(0) == ColorJitter.Op.BRIGHTNESS ? 1 : 0;
        }
        assertThat(brightnessFirst).isBetween(200, 300);
    }

    @Test
    void brightnessAndContrastDrawExactlyWhatSimclrVersion1Drew() {
        // v1: order = nextBoolean() (true: brightness first), then b, then c, each uniform in [0.6, 1.4]
        for (long seed = 0; seed < 50; seed++) {
            SplittableRandom v1 = new SplittableRandom(seed);
            boolean brightnessFirst = v1.nextBoolean();
            double b = 0.6 + (1.4 - 0.6) * v1.nextDouble();
            double c = 0.6 + (1.4 - 0.6) * v1.nextDouble();

            SplittableRandom now = new SplittableRandom(seed);
            ColorJitter.Params p = ColorJitter.sample(new ColorJitter.Strength(0.8, 0.4, 0.4, 0, 0), now);

            assertThat(p).isEqualTo(ColorJitter.Params.brightnessContrast(b, c, brightnessFirst));
            assertThat(now.nextLong()).as("the same number of draws").isEqualTo(v1.nextLong());
        }
    }

    @Test
    void fourOpsComeInEveryOrderAboutEquallyOften() {
        SplittableRandom rnd = new SplittableRandom(11);
        Map<List<ColorJitter.Op>, Integer> counts = new HashMap<>();
        for (int i = 0; i < 2400; i++) {
            ColorJitter.Params p = ColorJitter.sample(new ColorJitter.Strength(1, 0.4, 0.4, 0.4, 0.1), rnd);
            assertThat(p.saturation()).isBetween(0.6, 1.4);
            assertThat(p.hue()).isBetween(-0.1, 0.1);
            counts.merge(p.order(), 1, Integer::sum);
        }
        assertThat(counts).hasSize(24);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(60, 140));
    }

    @Test
    void disabledOpsAreNeitherOrderedNorDrawn() {
        ColorJitter.Params p = ColorJitter.sample(new ColorJitter.Strength(1, 0, 0.4, 0, 0.2), new SplittableRandom(1));

        assertThat(p.order()).containsExactlyInAnyOrder(ColorJitter.Op.CONTRAST, ColorJitter.Op.HUE);
        assertThat(p.brightness()).isEqualTo(1.0);
        assertThat(p.saturation()).isEqualTo(1.0);
    }

    @Test
    void saturationBlendsEachPixelWithItsOwnLuma() {
        // luma of (200, 100, 50) = 59.78 + 58.7 + 5.7 = 124.18
        byte[] gray = Image.rgb(1, 1, 200, 100, 50).pixels();
        byte[] half = Image.rgb(1, 1, 200, 100, 50).pixels();
        byte[] twice = Image.rgb(1, 1, 200, 100, 50).pixels();

        ColorJitter.saturation(gray, 3, 0.0);
        ColorJitter.saturation(half, 3, 0.5);
        ColorJitter.saturation(twice, 3, 2.0);

        assertThat(gray).isEqualTo(Image.rgb(1, 1, 124, 124, 124).pixels());
        assertThat(half).isEqualTo(Image.rgb(1, 1, 162, 112, 87).pixels());
        assertThat(twice).isEqualTo(Image.rgb(1, 1, 255, 76, 0).pixels());
    }

    @Test
    void hueTurnsPrimariesIntoEachOtherAndLeavesGraysAlone() {
        byte[] px = Image.rgb(1, 4, 255, 0, 0, 0, 255, 0, 77, 77, 77, 200, 100, 50).pixels();
        byte[] third = px.clone();
        byte[] half = px.clone();
        byte[] sixth = px.clone();

        ColorJitter.hue(third, 3, 1.0 / 3);
        ColorJitter.hue(half, 3, -0.5);
        ColorJitter.hue(sixth, 3, 1.0 / 6);

        assertThat(third).isEqualTo(Image.rgb(1, 4, 0, 255, 0, 0, 0, 255, 77, 77, 77, 50, 200, 100).pixels());
        assertThat(half).isEqualTo(Image.rgb(1, 4, 0, 255, 255, 255, 0, 255, 77, 77, 77, 50, 150, 200).pixels());
        // (200, 100, 50): hue 1/3 sixth, +1 sixth -> 4/3: green largest, red = 200 - 150 / 3 = 150
        assertThat(sixth).isEqualTo(Image.rgb(1, 4, 255, 255, 0, 0, 255, 255, 77, 77, 77, 150, 200, 50).pixels());
    }

    @Test
    void hueAndSaturationLeaveGrayImagesAsTheyAre() {
        byte[] px = Image.gray(1, 3, 10, 100, 200).pixels();

        ColorJitter.apply(px, 1, new ColorJitter.Params(List.of(ColorJitter.Op.HUE, ColorJitter.Op.SATURATION), 1, 1, 0.0, 0.3));

        assertThat(px).isEqualTo(Image.gray(1, 3, 10, 100, 200).pixels());
    }

    @Test
    void theFusedPassesEqualTheFourOpsOneAfterTheOther() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            byte[] fused = RandomResizedCropTest.randomImage(7, 6, 3, i).pixels();
            byte[] sequential = fused.clone();
            ColorJitter.Params p = ColorJitter.sample(new ColorJitter.Strength(1, 0.8, 0.8, 0.8, 0.5), rnd);

            ColorJitter.apply(fused, 3, p);
            applyOneByOne(sequential, 3, p);

            assertThat(fused).as("%s", p).isEqualTo(sequential);
        }
    }

    static void applyOneByOne(byte[] px, int channels, ColorJitter.Params p) {
        for (ColorJitter.Op op : p.order()) {
            switch (op) {
                case BRIGHTNESS -> ColorJitter.brightness(px, p.brightness());
                case CONTRAST -> ColorJitter.contrast(px, channels, p.contrast());
                case SATURATION -> ColorJitter.saturation(px, channels, p.saturation());
                case HUE -> ColorJitter.hue(px, channels, p.hue());
            }
        }
    }
}
