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

    static final Path FASHION_MNIST = Path.of("../testdata/fashion-mnist-subset");
    static IdxFile images;

    final SimclrRecipe recipe = new SimclrRecipe(SimclrRecipe.Settings.defaults());

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
        byte[] second = new SimclrRecipe(SimclrRecipe.Settings.defaults()).apply("s", fashion(0), 1234L).encode();

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
        SimclrRecipe alwaysFlip = new SimclrRecipe(new SimclrRecipe.Settings(1, 0, 1, 1, 1, 1, 1.0, 0.4, 0.0));
        SimclrRecipe never = new SimclrRecipe(new SimclrRecipe.Settings(1, 0, 1, 1, 1, 1, 0.0, 0.4, 0.0));

        assertThat(alwaysFlip.apply("s", fashion(3), 5).views().get(0).pixels())
                .isEqualTo(HorizontalFlip.apply(fashion(3)).pixels());
        assertThat(never.apply("s", fashion(3), 5).views().get(1).pixels()).isEqualTo(fashion(3).pixels());
    }

    @Test
    void resizesToAConfiguredOutputSizeAndKeepsRgb() {
        SimclrRecipe small = new SimclrRecipe(new SimclrRecipe.Settings(1, 16, 0.5, 1, 0.75, 4.0 / 3, 0.5, 0.4, 0.8));
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
    void rejectsSettingsOutsideTheirRange() {
        assertThatThrownBy(() -> new SimclrRecipe.Settings(1, 0, 0, 1, 0.75, 1.33, 0.5, 0.4, 0.8))
                .hasMessageContaining("crop scale");
        assertThatThrownBy(() -> new SimclrRecipe.Settings(1, 0, 0.5, 1, 1.33, 0.75, 0.5, 0.4, 0.8))
                .hasMessageContaining("crop ratio");
        assertThatThrownBy(() -> new SimclrRecipe.Settings(1, 0, 0.5, 1, 0.75, 1.33, 1.5, 0.4, 0.8))
                .hasMessageContaining("flip probability");
        assertThatThrownBy(() -> new SimclrRecipe.Settings(1, 100_000, 0.5, 1, 0.75, 1.33, 0.5, 0.4, 0.8))
                .hasMessageContaining("output size");
    }

    static final String GOLDEN_SHA256 = "1d4683e2c1e5f737b2e9177419fd27c751bff83a409ccdb47430f5ffc6daff78";
}
