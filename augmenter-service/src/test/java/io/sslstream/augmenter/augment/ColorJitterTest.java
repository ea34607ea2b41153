package io.sslstream.augmenter.augment;

import org.junit.jupiter.api.Test;

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

        ColorJitter.apply(px, 3, new ColorJitter.Params(1.0, 1.0, false));

        assertThat(px).isEqualTo(before);
    }

    @Test
    void appliesBothOpsInTheDrawnOrderAsIfOneAfterTheOther() {
        // brightness 2 first: [20, 200, 255], mean 158.33, then contrast 0.5: [89, 179, 207]
        byte[] brightnessFirst = Image.gray(1, 3, 10, 100, 200).pixels();
        ColorJitter.apply(brightnessFirst, 1, new ColorJitter.Params(2.0, 0.5, true));
        assertThat(brightnessFirst).isEqualTo(Image.gray(1, 3, 89, 179, 207).pixels());

        // contrast 0.5 first: mean 103.33, [57, 102, 152], then brightness 2: [114, 204, 255]
        byte[] contrastFirst = Image.gray(1, 3, 10, 100, 200).pixels();
        ColorJitter.apply(contrastFirst, 1, new ColorJitter.Params(2.0, 0.5, false));
        assertThat(contrastFirst).isEqualTo(Image.gray(1, 3, 114, 204, 255).pixels());
    }

    @Test
    void theComposedTableEqualsTheSequentialOpsOnRgbToo() {
        for (long seed = 0; seed < 20; seed++) {
            byte[] fused = RandomResizedCropTest.randomImage(6, 5, 3, seed).pixels();
            byte[] sequential = fused.clone();
            ColorJitter.Params p = ColorJitter.sample(0.9, new SplittableRandom(seed));

            ColorJitter.apply(fused, 3, p);
            if (p.brightnessFirst()) {
                ColorJitter.brightness(sequential, p.brightness());
                ColorJitter.contrast(sequential, 3, p.contrast());
            } else {
                ColorJitter.contrast(sequential, 3, p.contrast());
                ColorJitter.brightness(sequential, p.brightness());
            }

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
            brightnessFirst += p.brightnessFirst() ? 1 : 0;
        }
        assertThat(brightnessFirst).isBetween(200, 300);
    }
}
