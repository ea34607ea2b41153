package io.sslstream.augmenter.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.sslstream.augmenter.augment.MultiViewRecipe;
import io.sslstream.augmenter.augment.Recipes;
import io.sslstream.augmenter.augment.ViewSpec;
import io.quarkus.runtime.configuration.DurationConverter;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The configuration keys and their defaults against the recipe definitions in code. */
class RecipeFactoryTest {

    static AugmenterConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .withMapping(AugmenterConfig.class)
                // Quarkus's own "30s" duration syntax, which plain SmallRye Config does not know
                .withConverter(Duration.class, 100, new DurationConverter())
                .build();
        return config.getConfigMapping(AugmenterConfig.class);
    }

    @Test
    void theDefaultsAreVersion1OfEachRecipeAndVersion2OfSimclrAndByolAndOnlySimclrIsActive() {
        AugmenterConfig c = config(Map.of());

        assertThat(c.active()).containsExactly("simclr");
        assertThat(RecipeFactory.build("simclr", c.recipes())).isEqualTo(Recipes.simclrV2());
        assertThat(RecipeFactory.build("byol", c.recipes())).isEqualTo(Recipes.byolV2());
        assertThat(RecipeFactory.build("multicrop", c.recipes())).isEqualTo(Recipes.multicropV1());
        assertThat(RecipeFactory.build("mae", c.recipes())).isEqualTo(Recipes.maeV1());
        assertThat(RecipeFactory.build("windowing", c.recipes())).isEqualTo(Recipes.windowingV1());
    }

    @Test
    void simclrVersion1IsTwoKeysAway() {
        AugmenterConfig c = config(Map.of("ssl.augmenter.recipes.simclr.version", "1",
                "ssl.augmenter.recipes.simclr.interpolation", "float32"));

        assertThat(RecipeFactory.build("simclr", c.recipes())).isEqualTo(Recipes.simclrV1());
    }

    @Test
    void byolVersion1IsTwoKeysAway() {
        AugmenterConfig c = config(Map.of("ssl.augmenter.recipes.byol.version", "1",
                "ssl.augmenter.recipes.byol.blur-arithmetic", "float32"));

        assertThat(RecipeFactory.build("byol", c.recipes())).isEqualTo(Recipes.byolV1());
    }

    @Test
    void keysChangeTheirRecipes() {
        AugmenterConfig c = config(Map.of(
                "ssl.augmenter.active", "mae,multicrop,byol",
                "ssl.augmenter.recipes.mae.patch-size", "7",
                "ssl.augmenter.recipes.mae.version", "2",
                "ssl.augmenter.recipes.multicrop.local-count", "6",
                "ssl.augmenter.recipes.multicrop.local-size", "10",
                "ssl.augmenter.recipes.byol.solarize-probabilities", "0.1,0.3"));

        List<MultiViewRecipe> recipes = RecipeFactory.active(c.active(), c.recipes());

        assertThat(recipes).extracting(MultiViewRecipe::name).containsExactly("mae", "multicrop", "byol");
        assertThat(recipes.get(0).mask().patchSize()).isEqualTo(7);
        assertThat(recipes.get(0).version()).isEqualTo(2);
        assertThat(recipes.get(1).views()).hasSize(8);
        assertThat(recipes.get(1).views().get(7).size()).isEqualTo(ViewSpec.Size.square(10));
        assertThat(recipes.get(2).views()).extracting(v -> v.solarize().probability()).containsExactly(0.1, 0.3);
    }

    @Test
    void badSettingsNameTheirKey() {
        assertThatThrownBy(() -> RecipeFactory.active(List.of("simclr", "moco"), config(Map.of()).recipes()))
                .hasMessageContaining("'moco'").hasMessageContaining("byol");
        assertThatThrownBy(() -> RecipeFactory.build("simclr",
                config(Map.of("ssl.augmenter.recipes.simclr.scale-min", "0")).recipes()))
                .hasMessageContaining("ssl.augmenter.recipes.simclr").hasMessageContaining("crop scale");
        assertThatThrownBy(() -> RecipeFactory.build("byol",
                config(Map.of("ssl.augmenter.recipes.byol.blur-probabilities", "1.0")).recipes()))
                .hasMessageContaining("byol.blur-probabilities").hasMessageContaining("two values");
        assertThatThrownBy(() -> RecipeFactory.build("mae",
                config(Map.of("ssl.augmenter.recipes.mae.mask-ratio", "1.5")).recipes()))
                .hasMessageContaining("ssl.augmenter.recipes.mae").hasMessageContaining("mask ratio");
    }
}
