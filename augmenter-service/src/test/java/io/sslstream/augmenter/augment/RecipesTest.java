package io.sslstream.augmenter.augment;

import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The four built-in recipes on real Fashion-MNIST images and on RGB. */
class RecipesTest {

    static final RandomResizedCrop.Interpolation FIXED = RandomResizedCrop.Interpolation.FIXED_POINT;

    static IdxFile images;
    static final Image RGB96 = RandomResizedCropTest.randomImage(96, 96, 3, 7);
    static final List<MultiViewRecipe> ALL = List.of(Recipes.simclrV2(), Recipes.byolV2(), Recipes.multicropV1(), Recipes.maeV1(),
            Recipes.simclrV1(), Recipes.byolV1());

    @BeforeAll
    static void load() throws IOException {
        images = FashionMnist.read(Path.of("../testdata/fashion-mnist-subset"), "train", 50).images();
    }

    static Image fashion(int i) {
        return new Image(28, 28, 1, images.item(i));
    }

    @Test
    void everyRecipeIsAPureFunctionOfImageRecipeVersionAndSeed() {
        for (MultiViewRecipe recipe : ALL) {
            for (Image img : List.of(fashion(3), RGB96)) {
                byte[] once = recipe.apply("s", img, 42).encode();
                // a fresh recipe object and a copy of the image: nothing is cached or shared
                byte[] again = new MultiViewRecipe(recipe.name(), recipe.version(), recipe.views(), recipe.mask())
                        .apply("s", new Image(img.height(), img.width(), img.channels(), img.pixels().clone()), 42).encode();

                assertThat(again).as(recipe.name()).isEqualTo(once);
                assertThat(recipe.apply("s", img, 43).encode()).as(recipe.name()).isNotEqualTo(once);
                ViewSet set = ViewSet.decode(once);
                assertThat(set.recipe()).isEqualTo(recipe.name());
                assertThat(set.recipeVersion()).isEqualTo(recipe.version());
                assertThat(set.seed()).isEqualTo(42);
                assertThat(once.length).as("encodedSize of " + recipe.name())
                        .isEqualTo(recipe.encodedSize("s", img.height(), img.width(), img.channels()));
            }
        }
    }

    @Test
    void byolMulticropAndMaeArePinned() throws Exception {
        // fails when an op changes its output: then the recipe needs a new version, and its pin a new value
        String id = "fashion-mnist/train/0";
        long seed = Seeds.forSample(0, id);
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        java.util.Map<String, String> pins = new java.util.LinkedHashMap<>();
        for (MultiViewRecipe r : List.of(Recipes.byolV1(), Recipes.byolV2(), Recipes.multicropV1(), Recipes.maeV1())) {
            pins.put(r.name() + " v" + r.version(), java.util.HexFormat.of().formatHex(sha.digest(r.apply(id, fashion(0), seed).encode()))
                    + "/" + java.util.HexFormat.of().formatHex(sha.digest(r.apply(id, RGB96, seed).encode())));
        }

        assertThat(pins).isEqualTo(GOLDEN);
    }

    static final java.util.Map<String, String> GOLDEN = java.util.Map.of(
            "byol v1", "6242b8d83836c00ca867a643265a8afadeff8d62d3b792d0a29a58c273598c9a/"
                    + "8bdef3611c43b29e938dc756d27510fbe9e472f82bfd8b5ed26b36baa0884aca",
            "byol v2", "83b5c2652dc831fcbedd2c861471efeaf526d4309089aa31b88b4082f47d537b/"
                    + "823c54c4dd26af23f84170ac614f332c0f23100eaf46da060969db06b95adcf1",
            "multicrop v1", "c5b92004a17da177b7df0c5c55df01ffd98b4939381983396734f701e81a04d2/"
                    + "6cc6605d1188641b47bf0691e5cdd739fd83c7037ccdc3731ca4fcbf3c99cf4c",
            "mae v1", "9927d492e13b99d9bb76a2da7dc3da2d2e2ae835b23c7951085052db4f11a705/"
                    + "288ab2443f8c4207315cb20874b5a9fb7e961c39dd99f5ab9cc4f585708af41f");

    @Test
    void theRecipeVersionIsWrittenIntoEveryViewSet() {
        MultiViewRecipe v7 = Recipes.simclr(7, Recipes.simclrView());

        assertThat(ViewSet.decode(v7.apply("s", fashion(0), 1).encode()).recipeVersion()).isEqualTo(7);
    }

    @Test
    void byolViewsAreAsymmetricAsInThePaper() {
        MultiViewRecipe byol = Recipes.byolV2();

        assertThat(byol.views()).hasSize(2);
        assertThat(byol.views().get(0).blur().probability()).isEqualTo(1.0);
        assertThat(byol.views().get(0).solarize().probability()).isEqualTo(0.0);
        assertThat(byol.views().get(1).blur().probability()).isEqualTo(0.1);
        assertThat(byol.views().get(1).solarize().probability()).isEqualTo(0.2);
        // otherwise alike: crop, flip, jitter and grayscale
        assertThat(byol.views().get(0).withBlurAndSolarize(0.1, 0.2)).isEqualTo(byol.views().get(1));
        assertThat(byol.views().get(0).jitter()).isEqualTo(new ColorJitter.Strength(0.8, 0.4, 0.4, 0.2, 0.1));
        assertThat(byol.views().get(0).grayscaleProbability()).isEqualTo(0.2);

        for (int i = 0; i < 50; i++) {
            ViewSet set = byol.apply("s" + i, fashion(i), i);
            assertThat(set.views()).hasSize(2).allSatisfy(v -> assertThat(new int[] {v.height(), v.width(), v.channels()})
                    .containsExactly(28, 28, 1));
            assertThat(set.mask()).isNull();
        }
    }

    @Test
    void byolSolarizesOnlyTheSecondView() {
        // every view of a flat image of 230 stays flat, at 230 * brightness >= 138, unless solarized (then <= 117)
        byte[] flat = new byte[16 * 16 * 3];
        java.util.Arrays.fill(flat, (byte) 230);
        Image bright = new Image(16, 16, 3, flat);
        int secondDark = 0;
        for (int i = 0; i < 500; i++) {
            ViewSet set = Recipes.byolV2().apply("s", bright, i);
            assertThat(max(set.views().get(0))).as("view 1 of seed %d", i).isGreaterThan(127);
            secondDark += max(set.views().get(1)) <= 127 ? 1 : 0;
        }
        // p = 0.2: 100 +- 9 of 500
        assertThat(secondDark).isBetween(70, 130);
    }

    @Test
    void multicropMakesGlobalThenLocalCropsAtTheirSizes() {
        ViewSet gray = Recipes.multicropV1().apply("s", fashion(1), 5);
        ViewSet rgb = Recipes.multicropV1().apply("s", RGB96, 5);

        assertThat(gray.views()).extracting(View::height).containsExactly(28, 28, 12, 12, 12, 12);
        assertThat(gray.views()).extracting(View::width).containsExactly(28, 28, 12, 12, 12, 12);
        assertThat(rgb.views()).extracting(View::height).containsExactly(96, 96, 41, 41, 41, 41);
        assertThat(rgb.views()).allSatisfy(v -> assertThat(v.channels()).isEqualTo(3));
        assertThat(gray.views().stream().distinct().count()).isEqualTo(6);
    }

    @Test
    void multicropSizesAndCountsAreConfigurable() {
        ViewSpec global = Recipes.multicropV1().views().get(0).withSize(ViewSpec.Size.square(24));
        ViewSpec local = Recipes.multicropV1().views().get(2).withSize(ViewSpec.Size.square(8));

        ViewSet set = Recipes.multicrop(2, 3, global, 6, local).apply("s", fashion(2), 1);

        assertThat(set.views()).extracting(View::height).containsExactly(24, 24, 24, 8, 8, 8, 8, 8, 8);
        assertThatThrownBy(() -> Recipes.multicrop(1, 0, global, 2, local)).hasMessageContaining("global");
    }

    @Test
    void maeCarriesOneViewAndAMaskOfExactlyThreeQuartersOfThePatches() {
        for (int i = 0; i < 50; i++) {
            ViewSet set = Recipes.maeV1().apply("s", fashion(i), i);

            assertThat(set.views()).singleElement().satisfies(v ->
                    assertThat(new int[] {v.height(), v.width()}).containsExactly(28, 28));
            assertThat(new int[] {set.mask().patchSize(), set.mask().rows(), set.mask().cols(), set.mask().maskedCount()})
                    .containsExactly(4, 7, 7, 37);
            // the mask survives the wire
            assertThat(ViewSet.decode(set.encode()).mask()).isEqualTo(set.mask());
        }
        ViewSet rgb = Recipes.maeV1().apply("s", RGB96, 1);
        assertThat(rgb.mask().maskedCount()).isEqualTo(432);
        assertThat(Recipes.maeV1().apply("s", fashion(0), 1).mask()).isNotEqualTo(Recipes.maeV1().apply("s", fashion(0), 2).mask());
    }

    @Test
    void grayImagesGetTheSameCropsAsTheirRgbVersion() {
        // saturation, hue and grayscale are no-ops on gray images but still draw, so the crops line up
        Image gray = fashion(4);
        byte[] rgbPixels = new byte[28 * 28 * 3];
        for (int i = 0; i < 784; i++) {
            rgbPixels[3 * i] = rgbPixels[3 * i + 1] = rgbPixels[3 * i + 2] = gray.pixels()[i];
        }
        Image rgb = new Image(28, 28, 3, rgbPixels);
        ViewSpec noColour = new ViewSpec(ViewSpec.Size.INPUT, FIXED, ViewSpec.Crop.scale(0.2, 1), 0.5,
                new ColorJitter.Strength(0.8, 0, 0, 0.4, 0.1), 0.2, ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE);

        for (long seed = 0; seed < 20; seed++) {
            View g = noColour.make(gray, new java.util.SplittableRandom(seed));
            View c = noColour.make(rgb, new java.util.SplittableRandom(seed));
            for (int i = 0; i < 784; i++) {
                // saturation and hue leave gray RGB pixels gray; the luma of (v, v, v) is v
                assertThat(c.pixels()[3 * i]).isEqualTo(g.pixels()[i]);
            }
        }
    }

    private static int max(View v) {
        int m = 0;
        for (byte b : v.pixels()) {
            m = Math.max(m, b & 0xFF);
        }
        return m;
    }
}
