package io.sslstream.bench.trainer;

import io.sslstream.augmenter.augment.GaussianBlur;
import io.sslstream.augmenter.augment.Image;
import io.sslstream.augmenter.augment.RandomResizedCrop;
import io.sslstream.augmenter.augment.Recipe;
import io.sslstream.augmenter.augment.Recipes;
import io.sslstream.augmenter.augment.Seeds;
import io.sslstream.augmenter.augment.ViewSpec;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** View sets for the trainer benchmarks, made by the augmenter's own recipe classes (the views production trains on). */
public final class Views {

    private Views() {
    }

    /** The augmenter's version-1 recipe of a name ({@code simclr}, {@code byol}, {@code mae}). */
    public static Recipe recipe(String name) {
        return switch (name) {
            case Recipes.SIMCLR -> Recipes.simclrV1();
            case Recipes.BYOL -> Recipes.byolV1();
            case Recipes.MAE -> Recipes.maeV1();
            default -> throw new IllegalArgumentException("no recipe '" + name + "' for the trainer benchmarks (simclr, byol, mae)");
        };
    }

    /**
     * The recipe of a name with another smallest crop area for every view ({@code null}: the recipe's own), e.g. a
     * milder crop for 28x28 images than the ImageNet recipes' 0.08 of the area.
     */
    public static Recipe recipe(String name, Double cropMin) {
        if (cropMin == null) {
            return recipe(name);
        }
        return switch (name) {
            case Recipes.SIMCLR -> {
                ViewSpec v = Recipes.simclrView().withInterpolation(RandomResizedCrop.Interpolation.FLOAT32);
                yield Recipes.simclr(1, v.withCrop(withMin(v.crop(), cropMin)));
            }
            case Recipes.BYOL -> {
                ViewSpec v = Recipes.byolView(GaussianBlur.Arithmetic.FLOAT32);
                yield Recipes.byol(1, v.withCrop(withMin(v.crop(), cropMin)));
            }
            default -> throw new IllegalArgumentException("--crop-min applies to the simclr and byol recipes, not '" + name + "'");
        };
    }

    private static ViewSpec.Crop withMin(ViewSpec.Crop c, double min) {
        return new ViewSpec.Crop(min, c.scaleMax(), c.ratioMin(), c.ratioMax());
    }

    /** The full Fashion-MNIST when installed, else the subset shipped in the repository. */
    public static Path defaultData(Path repo) {
        return Files.isDirectory(FashionMnist.DEBIAN_DIR) ? FashionMnist.DEBIAN_DIR : repo.resolve("testdata/fashion-mnist-subset");
    }

    /** The view set of training image {@code index} under a recipe and base seed (the augmenter's seeding). */
    public static ViewSet of(Recipe recipe, FashionMnist.Split train, int index, long baseSeed) {
        String id = "fashion-mnist/train/" + index;
        return recipe.apply(id, new Image(FashionMnist.SIZE, FashionMnist.SIZE, 1, train.images().item(index)),
                Seeds.forSample(baseSeed, id));
    }

    /** {@code batches} batches of {@code size} view sets of consecutive images. */
    public static List<List<ViewSet>> batches(Recipe recipe, FashionMnist.Split train, int batches, int size) throws IOException {
        List<List<ViewSet>> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            List<ViewSet> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                batch.add(of(recipe, train, (b * size + i) % train.count(), 0));
            }
            out.add(batch);
        }
        return out;
    }
}
