package io.sslstream.eval;

import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;
import io.sslstream.eval.protocol.FeatureMatrix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The labelled evaluation set: train and test images (uint8, HWC) with their labels, held in memory for the
 * life of the service (Fashion-MNIST in full is 55 MB).
 */
public final class LabelledDataset {

    /** The one dataset this version knows. */
    public static final String FASHION_MNIST = "fashion-mnist";

    private final String name;
    private final IdxFile trainImages;
    private final int[] trainLabels;
    private final IdxFile testImages;
    private final int[] testLabels;

    private LabelledDataset(String name, IdxFile trainImages, int[] trainLabels, IdxFile testImages, int[] testLabels) {
        this.name = name;
        this.trainImages = trainImages;
        this.trainLabels = trainLabels;
        this.testImages = testImages;
        this.testLabels = testLabels;
    }

    /**
     * Reads a dataset by name from {@code dir}, at most {@code maxTrain} and {@code maxTest} items.
     *
     * @throws IllegalStateException naming the directory and how to get the files when they are missing
     * @throws IllegalArgumentException for a dataset this version does not know
     */
    public static LabelledDataset load(String name, Path dir, int maxTrain, int maxTest) throws IOException {
        if (!FASHION_MNIST.equals(name)) {
            throw new IllegalArgumentException("unknown evaluation dataset '" + name + "' (known: " + FASHION_MNIST + ")");
        }
        if (maxTrain < 1 || maxTest < 1) {
            throw new IllegalArgumentException("max train and test items must be >= 1, got " + maxTrain + " and " + maxTest);
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("dataset directory " + dir.toAbsolutePath() + " does not exist. " + FashionMnist.HOW_TO_GET);
        }
        try {
            FashionMnist.Split train = FashionMnist.read(dir, "train", maxTrain);
            FashionMnist.Split test = FashionMnist.read(dir, "t10k", maxTest);
            return new LabelledDataset(name, train.images(), labels(train), test.images(), labels(test));
        } catch (NoSuchFileException e) {
            throw new IllegalStateException(e.getFile() + " is missing. " + FashionMnist.HOW_TO_GET);
        }
    }

    private static int[] labels(FashionMnist.Split split) {
        int[] y = new int[split.count()];
        for (int i = 0; i < y.length; i++) {
            y[i] = split.labels().label(i);
        }
        return y;
    }

    public String name() {
        return name;
    }

    /**
     * The name and the split sizes, e.g. {@code fashion-mnist@60000/10000}: what an evaluation is stored under,
     * so that a result on a subset is never taken for one on the full dataset.
     */
    public String id() {
        return name() + "@" + trainCount() + "/" + testCount();
    }

    public int trainCount() {
        return trainImages.count();
    }

    public int testCount() {
        return testImages.count();
    }

    /** Image height (the IDX file's second dimension). */
    public int height() {
        return trainImages.dims()[1];
    }

    public int width() {
        return trainImages.dims()[2];
    }

    /** Grayscale IDX images have one channel. */
    public int channels() {
        return trainImages.dims().length > 3 ? trainImages.dims()[3] : 1;
    }

    /** Train image {@code i} as uint8 HWC pixels (a copy). */
    public byte[] trainImage(int i) {
        return trainImages.item(i);
    }

    public byte[] testImage(int i) {
        return testImages.item(i);
    }

    public int[] trainLabels() {
        return trainLabels.clone();
    }

    public int[] testLabels() {
        return testLabels.clone();
    }

    /** Train images as raw-pixel features: pixels / 255, flattened. */
    public FeatureMatrix trainPixels() {
        return FeatureMatrix.ofPixels(trainImages.data(), trainImages.count(), trainImages.itemSize());
    }

    public FeatureMatrix testPixels() {
        return FeatureMatrix.ofPixels(testImages.data(), testImages.count(), testImages.itemSize());
    }
}
