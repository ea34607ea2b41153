package io.sslstream.bench.trainer;

import io.sslstream.augmenter.augment.Recipe;
import io.sslstream.contracts.codec.ViewSet;
import io.sslstream.contracts.data.FashionMnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ViewFileTest {

    static final Path SUBSET = Path.of("../testdata/fashion-mnist-subset");

    /** What both sides of ./bench parity read is what the augmenter's recipe made, every image once per epoch. */
    @Test
    void stepsHoldTheRecipesViewsOfEveryImageOncePerEpoch(@TempDir Path dir) throws Exception {
        FashionMnist.Split train = FashionMnist.read(SUBSET, "train", 100);
        Recipe recipe = Views.recipe("simclr");
        Path file = dir.resolve("v.bin");
        ViewFile.write(file, recipe, train, 40, 2, 16, 7); // 40 images, batch 16: 2 steps per epoch, 8 images dropped
        try (ViewFile v = ViewFile.open(file, "simclr")) {
            assertThat(v.steps()).isEqualTo(4);
            assertThat(v.batch()).isEqualTo(16);
            for (int epoch = 0; epoch < 2; epoch++) {
                Set<Integer> seen = new HashSet<>();
                for (int k = 2 * epoch; k < 2 * epoch + 2; k++) {
                    List<ViewSet> step = v.step(k);
                    assertThat(step).hasSize(16);
                    for (ViewSet vs : step) {
                        // find which image it is: the recipe's views of that image with the epoch's seed are these bytes
                        int match = -1;
                        for (int i = 0; i < 40 && match < 0; i++) {
                            ViewSet expected = Views.of(recipe, train, i, 7 * 1_000_003L + epoch);
                            if (java.util.Arrays.equals(expected.views().get(0).pixels(), vs.views().get(0).pixels())
                                    && java.util.Arrays.equals(expected.views().get(1).pixels(), vs.views().get(1).pixels())) {
                                match = i;
                            }
                        }
                        assertThat(match).as("views of step %d are the recipe's views of an image", k).isGreaterThanOrEqualTo(0);
                        assertThat(seen.add(match)).as("image %d twice in epoch %d", match, epoch).isTrue();
                    }
                }
                assertThat(seen).hasSize(32);
            }
        }
    }

    @Test
    void masksRoundTripAndATruncatedFileIsRefused(@TempDir Path dir) throws Exception {
        FashionMnist.Split train = FashionMnist.read(SUBSET, "train", 20);
        Recipe recipe = Views.recipe("mae");
        Path file = dir.resolve("m.bin");
        ViewFile.write(file, recipe, train, 8, 1, 4, 0);
        try (ViewFile v = ViewFile.open(file, "mae")) {
            ViewSet vs = v.step(1).get(3);
            assertThat(vs.mask()).isNotNull();
            assertThat(vs.views()).hasSize(1);
            boolean found = false;
            for (int i = 0; i < 8; i++) {
                ViewSet expected = Views.of(recipe, train, i, 0);
                if (java.util.Arrays.equals(expected.views().get(0).pixels(), vs.views().get(0).pixels())) {
                    assertThat(vs.mask().bits()).isEqualTo(expected.mask().bits());
                    found = true;
                }
            }
            assertThat(found).isTrue();
        }
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, all.length - 1));
        assertThatThrownBy(() -> ViewFile.open(file, "mae")).hasMessageContaining("the header promises");
    }
}
