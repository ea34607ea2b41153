package io.sslstream.augmenter.augment;

import io.sslstream.contracts.codec.Pixels16;
import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Window level/width on known values, against DICOM's linear VOI function computed by hand. */
class WindowingTest {

    /** A CT row in stored values (slope 1, intercept -1024): air, fat, water, soft tissue, bone, metal. */
    static Pixels16 ctRow(boolean monochrome1, double center, double width) {
        short[] stored = {0, 924, 1024, 1064, 1224, 1424, 4000};
        return new Pixels16(1, stored.length, true, monochrome1, 12, 1, -1024, center, width, stored);
    }

    @Test
    void aSoftTissueWindowMapsHounsfieldUnitsAsDicomSays() {
        // window 40/400: lower bound 40 - 0.5 - 199.5 = -160 HU, upper 239 HU; y = ((HU + 160.5 - 0.5 ... ) / 399 + 0.5) * 255
        Image img = Windowing.apply(ctRow(false, 40, 400), Windowing.base(ctRow(false, 40, 400)));
        // HU: -1024, -100, 0, 40, 200, 400, 2976
        assertThat(row(img)).containsExactly(0, dicom(-100, 40, 400), dicom(0, 40, 400), dicom(40, 40, 400), dicom(200, 40, 400), 255, 255);
        assertThat(row(img)[2]).isEqualTo(102); // water: ((0 - 39.5) / 399 + 0.5) * 255 = 102.26
    }

    @Test
    void monochrome1IsInvertedAfterTheWindow() {
        Image plain = Windowing.apply(ctRow(false, 40, 400), new Windowing.Window(40, 400));
        Image inverted = Windowing.apply(ctRow(true, 40, 400), new Windowing.Window(40, 400));
        for (int i = 0; i < plain.width(); i++) {
            assertThat(inverted.at(0, i, 0)).isEqualTo(255 - plain.at(0, i, 0));
        }
    }

    @Test
    void withoutAWindowTheFramesOwnRangeSpansZeroTo255() {
        short[] stored = {-2000, -1000, 0, 1000, 2000};
        Pixels16 p = new Pixels16(1, 5, true, false, 16, 0.5, 100, Double.NaN, Double.NaN, stored);
        Windowing.Window w = Windowing.base(p);
        assertThat(w.width()).isEqualTo(2001); // modality -900..1100
        assertThat(row(Windowing.apply(p, w))).containsExactly(0, 64, 128, 191, 255);
    }

    @Test
    void unsignedValuesAboveInt16AreNotNegative() {
        short[] stored = {0, (short) 40000, (short) 65535};
        Pixels16 p = new Pixels16(1, 3, false, false, 16, 1, 0, Double.NaN, Double.NaN, stored);
        assertThat(row(Windowing.apply(p, Windowing.base(p)))).containsExactly(0, 156, 255);
    }

    @Test
    void theIdentityWindowLeaves8BitImagesAsTheyAre() {
        int[] all = new int[256];
        for (int i = 0; i < 256; i++) {
            all[i] = i;
        }
        Image img = Image.gray(16, 16, all);
        assertThat(Windowing.apply(img, Windowing.IDENTITY_8BIT)).isEqualTo(img);
    }

    @Test
    void jitterMovesTheWindowWithinItsRangesAndNeverBelowWidthOne() {
        Windowing.Spec spec = new Windowing.Spec(1.0, 0.1, 0.6, 1.6);
        Windowing.Window base = new Windowing.Window(40, 400);
        SplittableRandom rnd = new SplittableRandom(1);
        Set<Windowing.Window> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            Windowing.Window w = spec.draw(base, rnd);
            assertThat(w.center()).isBetween(0.0, 80.0);
            assertThat(w.width()).isBetween(240.0, 640.0);
            seen.add(w);
        }
        assertThat(seen).hasSizeGreaterThan(990);
        assertThat(new Windowing.Spec(1.0, 0, 0.001, 0.001).draw(new Windowing.Window(0, 2), rnd).width()).isEqualTo(1);
        assertThat(Windowing.Spec.FIXED.draw(base, rnd)).isSameAs(base);
        assertThatThrownBy(() -> new Windowing.Window(0, 0.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWindowingRecipeGivesEachViewItsOwnWindowAndIsAPureFunctionOfTheSeed() {
        short[] ramp = new short[64 * 64];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = (short) (i % 64 * 30); // 0..1890 across each row
        }
        Pixels16 frame = new Pixels16(64, 64, false, false, 12, 1, -1024, 40, 400, ramp);
        MultiViewRecipe recipe = Recipes.windowingV1();
        ViewSet a = recipe.apply("ct/x/0", frame, 7);
        assertThat(recipe.apply("ct/x/0", frame, 7)).isEqualTo(a);
        assertThat(recipe.apply("ct/x/0", frame, 8)).isNotEqualTo(a);
        assertThat(a.views()).hasSize(2).allSatisfy(v -> assertThat(new int[] {v.height(), v.width(), v.channels()})
                .containsExactly(64, 64, 1));
        // a recipe without windowing sees the frame through its own window: the same as windowing it first
        MultiViewRecipe simclr = Recipes.simclrV2();
        assertThat(simclr.apply("ct/x/0", frame, 7)).isEqualTo(simclr.apply("ct/x/0",
                Windowing.apply(frame, Windowing.base(frame)), 7));
        // jitter on: over many seeds, the views' mean brightness differs from the fixed window's
        Set<Integer> means = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            View v = recipe.apply("ct/x/0", frame, seed).views().get(0);
            long sum = 0;
            for (byte b : v.pixels()) {
                sum += b & 0xFF;
            }
            means.add((int) (sum / v.pixels().length));
        }
        assertThat(means).hasSizeGreaterThan(5);
    }

    /** DICOM's linear function by its definition (PS3.3 C.11.2.1.2), rounded half up. */
    static int dicom(double x, double c, double w) {
        if (x <= c - 0.5 - (w - 1) / 2) {
            return 0;
        }
        if (x > c - 0.5 + (w - 1) / 2) {
            return 255;
        }
        return (int) Math.floor(((x - (c - 0.5)) / (w - 1) + 0.5) * 255 + 0.5);
    }

    static int[] row(Image img) {
        int[] r = new int[img.width()];
        for (int i = 0; i < r.length; i++) {
            r[i] = img.at(0, i, 0);
        }
        return r;
    }
}
