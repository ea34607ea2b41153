package io.sslstream.eval.dataset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Image folders written from the shipped Fashion-MNIST subset (real images), read back as evaluation sets. */
class ImageFolderTest {

    static LabelledDataset folder(Path dir, Optional<Integer> channels, Optional<DatasetSpec.ImageSize> size, int maxTrain, int maxTest)
            throws IOException {
        return LabelledDataset.load(DatasetSpec.folder(dir, channels, size, maxTrain, maxTest));
    }

    @Test
    void readsAGrayscaleFolderPixelForPixelWithClassesSortedByName(@TempDir Path tmp) throws IOException {
        Path dir = TestFolders.write(tmp.resolve("fmnist-folder"), 4, 2, false);
        // not images, or hidden: ignored
        Files.writeString(dir.resolve("train/bag/README.txt"), "bags");
        Files.copy(dir.resolve("train/bag/img000.png"), dir.resolve("train/bag/.hidden.png"));
        Files.createDirectories(dir.resolve("train/.cache"));

        LabelledDataset d = folder(dir, Optional.empty(), Optional.empty(), 1000, 1000);
        assertThat(d.id()).isEqualTo("fmnist-folder@12/6");
        assertThat(d.format()).isEqualTo(DatasetSpec.Format.FOLDER);
        assertThat(d.classes()).containsExactly("bag", "coat", "trouser");
        assertThat(d.channels()).isEqualTo(1);
        assertThat(d.height()).isEqualTo(28);
        assertThat(d.width()).isEqualTo(28);
        // one image of each class in turn
        assertThat(d.trainLabels()).containsExactly(0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2);
        assertThat(d.testLabels()).containsExactly(0, 1, 2, 0, 1, 2);
        for (int i = 0; i < d.trainCount(); i++) {
            assertThat(d.trainImage(i)).as("train %d", i).containsExactly(TestFolders.original("train", TestFolders.NAMES[i % 3], i / 3));
        }
        assertThat(d.testImage(5)).containsExactly(TestFolders.original("test", "trouser", 1));
    }

    @Test
    void maxItemsKeepTheClassesBalanced(@TempDir Path tmp) throws IOException {
        LabelledDataset d = folder(TestFolders.write(tmp.resolve("f"), 4, 2, false), Optional.empty(), Optional.empty(), 5, 4);
        assertThat(d.trainLabels()).containsExactly(0, 1, 2, 0, 1);
        assertThat(d.testLabels()).containsExactly(0, 1, 2, 0);
        assertThat(d.id()).isEqualTo("f@5/4");
    }

    @Test
    void decodesToTheChannelsAskedFor(@TempDir Path tmp) throws IOException {
        Path grayDir = TestFolders.write(tmp.resolve("gray"), 2, 1, false);
        LabelledDataset asRgb = folder(grayDir, Optional.of(3), Optional.empty(), 100, 100);
        byte[] original = TestFolders.original("train", "bag", 0);
        byte[] rgb = asRgb.trainImage(0);
        assertThat(asRgb.channels()).isEqualTo(3);
        assertThat(rgb).hasSize(3 * 784);
        for (int i = 0; i < 784; i++) {
            assertThat(new byte[]{rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]}).containsOnly(original[i]);
        }

        // RGB files (gray values in all channels): three channels by default, their luma for one channel
        Path rgbDir = TestFolders.write(tmp.resolve("rgb"), 2, 1, true);
        assertThat(folder(rgbDir, Optional.empty(), Optional.empty(), 100, 100).channels()).isEqualTo(3);
        assertThat(folder(rgbDir, Optional.of(1), Optional.empty(), 100, 100).trainImage(0)).containsExactly(original);

        // a coloured pixel: luma 0.299 R + 0.587 G + 0.114 B
        BufferedImage red = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                red.setRGB(x, y, 200 << 16 | 100 << 8 | 50);
            }
        }
        ImageIO.write(red, "png", rgbDir.resolve("test/coat/zz-red.png").toFile());
        LabelledDataset withRed = folder(rgbDir, Optional.of(1), Optional.empty(), 100, 100);
        assertThat(withRed.testCount()).isEqualTo(4);
        assertThat(withRed.testImage(3)).containsOnly((byte) Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50));
        LabelledDataset withRedRgb = folder(rgbDir, Optional.of(3), Optional.empty(), 100, 100);
        assertThat(Arrays.copyOf(withRedRgb.testImage(3), 3)).containsExactly((byte) 200, (byte) 100, (byte) 50);
    }

    @Test
    void aJpegIsReadToo(@TempDir Path tmp) throws IOException {
        Path dir = TestFolders.write(tmp.resolve("f"), 2, 1, false);
        byte[] px = TestFolders.original("train", "coat", 5);
        ImageIO.write(TestFolders.gray(px, 28, 28), "jpg", dir.resolve("train/coat/photo.JPG").toFile());
        LabelledDataset d = folder(dir, Optional.empty(), Optional.empty(), 100, 100);
        assertThat(d.trainCount()).isEqualTo(7);
        byte[] decoded = d.trainImage(6); // round 2: only coat has a third image
        assertThat(d.trainLabels()[6]).isEqualTo(1);
        double meanError = 0;
        for (int i = 0; i < px.length; i++) {
            meanError += Math.abs((decoded[i] & 0xFF) - (px[i] & 0xFF));
        }
        // lossy, but the same picture
        assertThat(meanError / px.length).isLessThan(8);
    }

    @Test
    void anotherSizeIsRefusedUnlessAnImageSizeIsConfigured(@TempDir Path tmp) throws IOException {
        Path dir = TestFolders.write(tmp.resolve("f"), 2, 1, false);
        byte[] flat = new byte[32 * 32];
        Arrays.fill(flat, (byte) 77);
        Path big = dir.resolve("train/trouser/zz-big.png");
        ImageIO.write(TestFolders.gray(flat, 32, 32), "png", big.toFile());

        assertThatThrownBy(() -> folder(dir, Optional.empty(), Optional.empty(), 100, 100))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(big.toString())
                .hasMessageContaining("is 32x32, the dataset's images are 28x28")
                .hasMessageContaining("ssl.eval.dataset.image-size");

        LabelledDataset resized = folder(dir, Optional.empty(), Optional.of(new DatasetSpec.ImageSize(28, 28)), 100, 100);
        assertThat(resized.trainCount()).isEqualTo(7);
        assertThat(resized.trainImage(6)).hasSize(784).containsOnly((byte) 77);
        assertThat(resized.trainImage(0)).containsExactly(TestFolders.original("train", "bag", 0));

        LabelledDataset larger = folder(dir, Optional.empty(), Optional.of(new DatasetSpec.ImageSize(32, 32)), 100, 100);
        assertThat(larger.height()).isEqualTo(32);
        assertThat(larger.trainImage(6)).hasSize(1024).containsOnly((byte) 77);
    }

    @Test
    void bilinearResizeUsesHalfPixelCentres() {
        // 1x2 -> 1x4: sample points -0.25 (clamped), 0.25, 0.75, 1.25 (clamped)
        assertThat(ImageFolder.bilinear(new byte[]{0, 100}, 1, 2, 1, 1, 4)).containsExactly(0, 25, 75, 100);
        // 1x4 -> 1x2: sample points 0.5 and 2.5
        assertThat(ImageFolder.bilinear(new byte[]{0, 40, 80, 120}, 1, 4, 1, 1, 2)).containsExactly(20, 100);
        // channels are resized independently: (0, 200) and (100, 0) per pixel
        assertThat(ImageFolder.bilinear(new byte[]{0, 100, (byte) 200, 0}, 1, 2, 2, 1, 4))
                .containsExactly(0, 100, 50, 75, (byte) 150, 25, (byte) 200, 0);
    }

    @Test
    void aWrongLayoutIsExplained(@TempDir Path tmp) throws IOException {
        Path dir = TestFolders.write(tmp.resolve("f"), 2, 1, false);
        Files.createDirectories(dir.resolve("test/sandal"));
        assertThatThrownBy(() -> folder(dir, Optional.empty(), Optional.empty(), 100, 100))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("test class 'sandal' has no folder in").hasMessageContaining("[bag, coat, trouser]");
        Files.delete(dir.resolve("test/sandal"));

        Path broken = dir.resolve("test/coat/broken.png");
        Files.writeString(broken, "not a png");
        assertThatThrownBy(() -> folder(dir, Optional.empty(), Optional.empty(), 100, 100))
                .isInstanceOf(IOException.class).hasMessageContaining(broken.toString());
        Files.delete(broken);

        Path noTest = TestFolders.write(tmp.resolve("g"), 1, 1, false);
        try (var files = Files.walk(noTest.resolve("test"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertThatThrownBy(() -> folder(noTest, Optional.empty(), Optional.empty(), 100, 100))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("needs train/<class>/ and test/<class>/");

        Path oneClass = tmp.resolve("one");
        Files.createDirectories(oneClass.resolve("train/only"));
        Files.createDirectories(oneClass.resolve("test/only"));
        assertThatThrownBy(() -> folder(oneClass, Optional.empty(), Optional.empty(), 100, 100))
                .hasMessageContaining("has 1 class folders; a linear probe needs at least 2");
    }
}
