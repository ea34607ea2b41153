package io.sslstream.augmenter.augment;

import io.sslstream.contracts.codec.View;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimclrRecipeTest {

    static final RandomResizedCrop.Interpolation FIXED = RandomResizedCrop.Interpolation.FIXED_POINT;

    static final Path FASHION_MNIST = Path.of("../testdata/fashion-mnist-subset");
    static IdxFile images;

    final MultiViewRecipe recipe = Recipes.simclrV1();

    @BeforeAll
    static void load() throws IOException {
        images = FashionMnist.read(FASHION_MNIST, "train", 100).images();
    }

    static Image fashion(int i) {
        return new Image(28, 28, 1, images.item(i));
    }

    @Test
    void sameImageAndSeedGiveIdenticalBytes() {
        byte[] first = recipe.apply("s", fashion(0), 1234L).encode();
        byte[] second = Recipes.simclrV1().apply("s", fashion(0), 1234L).encode();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void anotherSeedGivesOtherViews() {
        assertThat(recipe.apply("s", fashion(0), 1L).views()).isNotEqualTo(recipe.apply("s", fashion(0), 2L).views());
    }

    @Test
    void makesTwoDifferentViewsOfTheInputSizeAndRecordsRecipeAndSeed() {
        for (int i = 0; i < 100; i++) {
            ViewSet set = recipe.apply("fashion-mnist/train/" + i, fashion(i), Seeds.forSample(0, "fashion-mnist/train/" + i));

            assertThat(set.recipe()).isEqualTo("simclr");
            assertThat(set.recipeVersion()).isEqualTo(1);
            assertThat(set.seed()).isEqualTo(Seeds.forSample(0, "fashion-mnist/train/" + i));
            assertThat(set.views()).hasSize(2).allSatisfy(v -> {
                assertThat(v.height()).isEqualTo(28);
                assertThat(v.width()).isEqualTo(28);
                assertThat(v.channels()).isEqualTo(1);
            });
            assertThat(set.views().get(0)).as("image %d", i).isNotEqualTo(set.views().get(1));
        }
    }

    @Test
    void withoutRandomCropAndJitterAViewIsTheImageOrItsMirror() {
        ViewSpec fullCrop = Recipes.simclrView();
        ViewSpec.Crop whole = new ViewSpec.Crop(1, 1, 1, 1);
        ColorJitter.Strength noJitter = new ColorJitter.Strength(0, 0.4, 0.4, 0, 0);
        MultiViewRecipe alwaysFlip = Recipes.simclr(1, new ViewSpec(ViewSpec.Size.INPUT, FIXED, whole, 1.0, noJitter, 0,
                ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE));
        MultiViewRecipe never = Recipes.simclr(1, new ViewSpec(ViewSpec.Size.INPUT, FIXED, whole, 0.0, noJitter, 0,
                ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE));
        assertThat(fullCrop.flipProbability()).isEqualTo(0.5);

        assertThat(alwaysFlip.apply("s", fashion(3), 5).views().get(0).pixels())
                .isEqualTo(HorizontalFlip.apply(fashion(3)).pixels());
        assertThat(never.apply("s", fashion(3), 5).views().get(1).pixels()).isEqualTo(fashion(3).pixels());
    }

    @Test
    void resizesToAConfiguredOutputSizeAndKeepsRgb() {
        MultiViewRecipe small = Recipes.simclr(1, Recipes.simclrView().withSize(ViewSpec.Size.square(16)));
        Image rgb = RandomResizedCropTest.randomImage(40, 30, 3, 11);

        View v = small.apply("s", rgb, 9).views().get(0);

        assertThat(v.height()).isEqualTo(16);
        assertThat(v.width()).isEqualTo(16);
        assertThat(v.channels()).isEqualTo(3);
    }

    @Test
    void version1OutputIsPinned() throws NoSuchAlgorithmException {
        // fails when an op changes its output: then the recipe needs a new version, and this pin a new value
        byte[] bytes = recipe.apply("fashion-mnist/train/0", fashion(0), Seeds.forSample(0, "fashion-mnist/train/0")).encode();

        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))).isEqualTo(GOLDEN_SHA256);
    }

    @Test
    void version2IsVersion1WithTheFixedPointResizeAndItsOutputIsPinned() throws NoSuchAlgorithmException {
        MultiViewRecipe v2 = Recipes.simclrV2();
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.views()).allSatisfy(v -> assertThat(v.interpolation()).isEqualTo(FIXED));
        assertThat(v2.views().get(0).withInterpolation(RandomResizedCrop.Interpolation.FLOAT32)).isEqualTo(recipe.views().get(0));

        byte[] bytes = v2.apply("fashion-mnist/train/0", fashion(0), Seeds.forSample(0, "fashion-mnist/train/0")).encode();

        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))).isEqualTo(GOLDEN_SHA256_V2);
    }

    @Test
    void rejectsSettingsOutsideTheirRange() {
        assertThatThrownBy(() -> new ViewSpec.Crop(0, 1, 0.75, 1.33)).hasMessageContaining("crop scale");
        assertThatThrownBy(() -> new ViewSpec.Crop(0.5, 1, 1.33, 0.75)).hasMessageContaining("crop ratio");
        assertThatThrownBy(() -> new ViewSpec(ViewSpec.Size.INPUT, FIXED, ViewSpec.Crop.scale(0.5, 1), 1.5, ColorJitter.Strength.NONE, 0,
                ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE)).hasMessageContaining("flip probability");
        assertThatThrownBy(() -> ViewSpec.Size.square(100_000)).hasMessageContaining("view size");
        assertThatThrownBy(() -> new ColorJitter.Strength(0.8, 0.4, 0.4, 0, 0.7)).hasMessageContaining("hue");
        assertThatThrownBy(() -> Recipes.simclr(70_000, Recipes.simclrView())).hasMessageContaining("version");
    }

    static final String GOLDEN_SHA256_V2 = "70bad8f8273a0a271f8dfca00177e2d37e9a47686eaad6995862afeebb232a29";
    static final String GOLDEN_SHA256 = "1d4683e2c1e5f737b2e9177419fd27c751bff83a409ccdb47430f5ffc6daff78";
}
