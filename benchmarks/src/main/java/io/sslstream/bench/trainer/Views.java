package io.sslstream.bench.trainer;

import io.sslstream.augmenter.augment.Image;
import io.sslstream.augmenter.augment.Recipe;
import io.sslstream.augmenter.augment.Recipes;
import io.sslstream.augmenter.augment.Seeds;
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
