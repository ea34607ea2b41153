package io.sslstream.contracts.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where Fashion-MNIST lives and how to read a split of it: 28x28 grayscale, 10 classes, IDX files
 * {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]}.
 */
public final class FashionMnist {

    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The message a user sees when the files are missing. */
    public static final String HOW_TO_GET = "Fashion-MNIST not found. Install it with "
            + "'sudo apt-get install dataset-fashion-mnist' (files in " + DEBIAN_DIR + "), "
            + "or point to a directory holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
            + "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (from https://github.com/zalandoresearch/fashion-mnist).";

    public static final int SIZE = 28;
    public static final int CLASSES = 10;
    /** Mean and standard deviation of the training pixels scaled to [0, 1]. */
    public static final double MEAN = 0.2860;
    public static final double STD = 0.3530;

    private FashionMnist() {
    }

    /** One split: images {@code (n, 28, 28)} and their labels. */
    public record Split(IdxFile images, IdxFile labels) {
        public Split {
            if (images.count() != labels.count()) {
                throw new IllegalArgumentException(images.count() + " images but " + labels.count() + " labels");
            }
        }

        public int count() {
            return images.count();
        }
    }

    /** {@code split} is {@code train} or {@code t10k}; reads at most {@code limit} items. */
    public static Split read(Path dir, String split, int limit) throws IOException {
        return new Split(IdxFile.read(file(dir, split + "-images-idx3-ubyte"), limit),
                IdxFile.read(file(dir, split + "-labels-idx1-ubyte"), limit));
    }

    /** The images file of a split, gzip or not; throws with {@link #HOW_TO_GET} when missing. */
    public static Path file(Path dir, String base) throws NoSuchFileException {
        for (String name : List.of(base + ".gz", base)) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new NoSuchFileException(dir.resolve(base + ".gz").toString(), null, HOW_TO_GET);
    }
}
