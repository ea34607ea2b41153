package io.sslstream.eval.dataset;

import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.eval.protocol.FeatureMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelledDatasetTest {

    @Test
    void readsTheShippedSubsetWithinTheLimits() throws IOException {
        LabelledDataset d = LabelledDataset.fashionMnist(TestFolders.SUBSET, 60000, 300);
        assertThat(d.trainCount()).isEqualTo(4000);
        assertThat(d.testCount()).isEqualTo(300);
        assertThat(d.id()).isEqualTo("fashion-mnist@4000/300");
        assertThat(d.format()).isEqualTo(DatasetSpec.Format.IDX);
        assertThat(d.channels()).isEqualTo(1);
        assertThat(d.height()).isEqualTo(28);
        assertThat(d.width()).isEqualTo(28);
        assertThat(d.classes()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(d.trainLabels()).hasSize(4000).containsOnly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        FeatureMatrix pixels = d.testPixels();
        assertThat(pixels.rows()).isEqualTo(300);
        assertThat(pixels.cols()).isEqualTo(784);
        byte[] image = d.testImage(0);
        int brightest = 0;
        for (int j = 1; j < image.length; j++) {
            brightest = (image[j] & 0xFF) > (image[brightest] & 0xFF) ? j : brightest;
        }
        assertThat(image[brightest] & 0xFF).isPositive();
        assertThat(pixels.get(0, brightest)).isEqualTo((image[brightest] & 0xFF) / 255f);
        assertThat(pixels.get(0, 0)).isEqualTo((image[0] & 0xFF) / 255f);
    }

    @Test
    void anIdxPairIsFoundByTheConfiguredNames(@TempDir Path dir) throws IOException {
        Files.copy(TestFolders.SUBSET.resolve("train-images-idx3-ubyte.gz"), dir.resolve("shop-train-x.gz"));
        Files.copy(TestFolders.SUBSET.resolve("train-labels-idx1-ubyte.gz"), dir.resolve("shop-train-y.gz"));
        Files.copy(TestFolders.SUBSET.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("shop-test-x"));
        Files.copy(TestFolders.SUBSET.resolve("t10k-labels-idx1-ubyte.gz"), dir.resolve("shop-test-y"));
        DatasetSpec spec = new DatasetSpec(DatasetSpec.Format.IDX, "shop", dir,
                new DatasetSpec.IdxFiles("shop-train-x", "shop-train-y", "shop-test-x", "shop-test-y"), Optional.empty(),
                Optional.empty(), 500, 200);
        LabelledDataset d = LabelledDataset.load(spec);
        LabelledDataset reference = LabelledDataset.fashionMnist(TestFolders.SUBSET, 500, 200);
        assertThat(d.id()).isEqualTo("shop@500/200");
        assertThat(d.trainLabels()).containsExactly(reference.trainLabels());
        assertThat(d.testLabels()).containsExactly(reference.testLabels());
        assertThat(d.trainImage(499)).containsExactly(reference.trainImage(499));
        assertThat(d.testImage(7)).containsExactly(reference.testImage(7));

        DatasetSpec swapped = new DatasetSpec(DatasetSpec.Format.IDX, "shop", dir,
                new DatasetSpec.IdxFiles("shop-train-y", "shop-train-x", "shop-test-x", "shop-test-y"), Optional.empty(),
                Optional.empty(), 500, 200);
        assertThatThrownBy(() -> LabelledDataset.load(swapped))
                .isInstanceOf(IOException.class).hasMessageContaining("shop-train-y is not an images file");
    }

    @Test
    void aMissingDatasetSaysHowToGetIt(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> LabelledDataset.fashionMnist(dir.resolve("nowhere"), 10, 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nowhere does not exist")
                .hasMessageContaining(FashionMnist.HOW_TO_GET);
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> LabelledDataset.fashionMnist(dir.resolve("empty"), 10, 10))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("train-images-idx3-ubyte.gz is missing")
                .hasMessageContaining(FashionMnist.HOW_TO_GET);
        assertThatThrownBy(() -> DatasetSpec.Format.parse("parquet"))
                .hasMessage("dataset format must be 'idx' or 'folder', got 'parquet'");
        assertThatThrownBy(() -> DatasetSpec.ImageSize.parse("28"))
                .hasMessage("image size must be written HxW (e.g. 28x28), got '28'");
        assertThat(DatasetSpec.ImageSize.parse("32X48")).isEqualTo(new DatasetSpec.ImageSize(32, 48));
    }
}
