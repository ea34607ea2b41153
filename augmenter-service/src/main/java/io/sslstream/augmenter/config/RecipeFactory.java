package io.sslstream.augmenter.config;

import io.sslstream.augmenter.augment.ColorJitter;
import io.sslstream.augmenter.augment.MultiViewRecipe;
import io.sslstream.augmenter.augment.PatchMasking;
import io.sslstream.augmenter.augment.Recipes;
import io.sslstream.augmenter.augment.ViewSpec;
import io.sslstream.augmenter.augment.Windowing;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalInt;

/** Builds the active recipes from {@code ssl.augmenter.recipes.*}; a bad setting names its key. */
public final class RecipeFactory {

    private static final String PREFIX = "ssl.augmenter.recipes.";

    private RecipeFactory() {
    }

    /** The recipes named in {@code active}, in that order. */
    public static List<MultiViewRecipe> active(List<String> active, AugmenterConfig.RecipesConfig config) {
        if (active.isEmpty()) {
            throw new IllegalArgumentException("ssl.augmenter.active names no recipe; choose from " + Recipes.NAMES);
        }
        List<MultiViewRecipe> recipes = new ArrayList<>();
        for (String name : new LinkedHashSet<>(active)) {
            recipes.add(build(name.trim(), config));
        }
        return recipes;
    }

    public static MultiViewRecipe build(String name, AugmenterConfig.RecipesConfig config) {
        try {
            return switch (name) {
                case Recipes.SIMCLR -> simclr(config.simclr());
                case Recipes.BYOL -> byol(config.byol());
                case Recipes.MULTICROP -> multicrop(config.multicrop());
                case Recipes.MAE -> mae(config.mae());
                case Recipes.WINDOWING -> windowing(config.windowing());
                default -> throw new IllegalArgumentException("ssl.augmenter.active names '" + name + "'; the recipes are "
                        + Recipes.NAMES);
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("ssl.augmenter.")) {
                throw e;
            }
            throw new IllegalArgumentException(PREFIX + name + ": " + e.getMessage(), e);
        }
    }

    static MultiViewRecipe simclr(AugmenterConfig.Simclr c) {
        return Recipes.simclr(c.version(), new ViewSpec(size(c.outputSize()), c.interpolation(),
                new ViewSpec.Crop(c.scaleMin(), c.scaleMax(), c.ratioMin(), c.ratioMax()), c.flipProbability(),
                new ColorJitter.Strength(c.jitterProbability(), c.brightness(), c.contrast(), c.saturation(), c.hue()),
                c.grayscaleProbability(), ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE));
    }

    static MultiViewRecipe byol(AugmenterConfig.Byol c) {
        List<Double> blur = twoValues("byol.blur-probabilities", c.blurProbabilities());
        List<Double> solarize = twoValues("byol.solarize-probabilities", c.solarizeProbabilities());
        ViewSpec view = new ViewSpec(size(c.outputSize()), c.interpolation(),
                new ViewSpec.Crop(c.scaleMin(), c.scaleMax(), c.ratioMin(), c.ratioMax()), c.flipProbability(),
                new ColorJitter.Strength(c.jitterProbability(), c.brightness(), c.contrast(), c.saturation(), c.hue()),
                c.grayscaleProbability(), new ViewSpec.Blur(0, c.blurSigmaMin(), c.blurSigmaMax(), c.blurKernelSize().orElse(0),
                        c.blurArithmetic()),
                new ViewSpec.Solarization(0, c.solarizeThreshold()));
        return Recipes.byol(c.version(), view.withBlurAndSolarize(blur.get(0), solarize.get(0)),
                view.withBlurAndSolarize(blur.get(1), solarize.get(1)));
    }

    static MultiViewRecipe multicrop(AugmenterConfig.Multicrop c) {
        ColorJitter.Strength jitter = new ColorJitter.Strength(c.jitterProbability(), c.brightness(), c.contrast(),
                c.saturation(), c.hue());
        ViewSpec global = new ViewSpec(size(c.globalSize()), c.interpolation(),
                new ViewSpec.Crop(c.globalScaleMin(), c.globalScaleMax(), c.ratioMin(), c.ratioMax()), c.flipProbability(),
                jitter, c.grayscaleProbability(), ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE);
        ViewSpec local = new ViewSpec(c.localSize().isPresent() ? ViewSpec.Size.square(c.localSize().getAsInt())
                : ViewSpec.Size.relative(Recipes.LOCAL_FRACTION), c.interpolation(),
                new ViewSpec.Crop(c.localScaleMin(), c.localScaleMax(), c.ratioMin(), c.ratioMax()), c.flipProbability(),
                jitter, c.grayscaleProbability(), ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE);
        return Recipes.multicrop(c.version(), c.globalCount(), global, c.localCount(), local);
    }

    static MultiViewRecipe mae(AugmenterConfig.Mae c) {
        ViewSpec view = new ViewSpec(size(c.outputSize()), c.interpolation(),
                new ViewSpec.Crop(c.scaleMin(), c.scaleMax(), c.ratioMin(), c.ratioMax()), c.flipProbability(),
                ColorJitter.Strength.NONE, 0, ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE);
        return Recipes.mae(c.version(), view, new PatchMasking.Spec(c.patchSize(), c.maskRatio()));
    }

    static MultiViewRecipe windowing(AugmenterConfig.WindowingRecipe c) {
        ViewSpec view = new ViewSpec(size(c.outputSize()), c.interpolation(),
                new ViewSpec.Crop(c.scaleMin(), c.scaleMax(), c.ratioMin(), c.ratioMax()), c.flipProbability(),
                ColorJitter.Strength.NONE, 0, ViewSpec.Blur.NONE, ViewSpec.Solarization.NONE);
        return Recipes.windowing(c.version(), view, new Windowing.Spec(c.windowProbability(), c.centerShift(),
                c.widthScaleMin(), c.widthScaleMax()));
    }

    private static ViewSpec.Size size(OptionalInt side) {
        return side.isPresent() ? ViewSpec.Size.square(side.getAsInt()) : ViewSpec.Size.INPUT;
    }

    private static List<Double> twoValues(String key, List<Double> values) {
        if (values.size() != 2) {
            throw new IllegalArgumentException(PREFIX + key + " needs two values (view 1, view 2), got " + values);
        }
        return values;
    }
}
