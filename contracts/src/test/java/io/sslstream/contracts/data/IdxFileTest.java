package io.sslstream.contracts.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdxFileTest {

    static final Path SUBSET = Path.of("../testdata/fashion-mnist-subset");

    @Test
    void readsTheShippedFashionMnistSubset() throws IOException {
        FashionMnist.Split train = FashionMnist.read(SUBSET, "train", Integer.MAX_VALUE);
        assertThat(train.count()).isEqualTo(4000);
        assertThat(train.images().dims()).containsExactly(4000, 28, 28);
        assertThat(train.images().itemSize()).isEqualTo(784);
        assertThat(train.labels().label(0)).isEqualTo(9); // the first training image is an ankle boot
        int[] perClass = new int[10];
        for (int i = 0; i < train.count(); i++) {
            perClass[train.labels().label(i)]++;
        }
        assertThat(Arrays.stream(perClass).min().orElseThrow()).isGreaterThan(300);

        FashionMnist.Split test = FashionMnist.read(SUBSET, "t10k", 10);
        assertThat(test.count()).isEqualTo(10);
        assertThat(test.images().item(9)).hasSize(784);
    }

    @Test
    void missingFilesSayHowToGetThem(@TempDir Path empty) {
        assertThatThrownBy(() -> FashionMnist.read(empty, "train", 1))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("apt-get install dataset-fashion-mnist");
    }

    @Test
    void truncatedAndForeignFilesAreExplained(@TempDir Path dir) throws IOException {
        Path truncated = dir.resolve("t-ubyte");
        Files.write(truncated, new byte[]{0, 0, 8, 1, 0, 0, 0, 5, 1, 2});
        assertThatThrownBy(() -> IdxFile.read(truncated, 100)).hasMessageContaining("truncated, header announces 5 items");
        Path foreign = dir.resolve("f-ubyte");
        Files.writeString(foreign, "hello world");
        assertThatThrownBy(() -> IdxFile.read(foreign, 100)).hasMessageContaining("not a uint8 IDX file");
        Path plain = dir.resolve("p-ubyte");
        Files.write(plain, new byte[]{0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9});
        assertThat(IdxFile.read(plain, 100).data()).containsExactly(7, 8, 9);
    }
}
