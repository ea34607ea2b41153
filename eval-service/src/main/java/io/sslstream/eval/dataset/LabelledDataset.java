package io.sslstream.eval.dataset;

import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;
import io.sslstream.eval.protocol.FeatureMatrix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The labelled evaluation set: train and test images (uint8, HWC, all of one shape) with their labels, held in
 * memory for the life of the service (Fashion-MNIST in full is 55 MB). Read from an IDX pair per split or from
 * an image folder ({@link ImageFolder}).
 */
public final class LabelledDataset {

    /** The default dataset. */
    public static final String FASHION_MNIST = "fashion-mnist";

    private final String name;
    private final DatasetSpec.Format format;
    private final List<String> classes;
    private final int channels;
    private final int height;
    private final int width;
    private final byte[] train;
    private final int[] trainLabels;
    private final byte[] test;
    private final int[] testLabels;

    /**
     * @param classes     class names; label {@code i} is {@code classes.get(i)}
     * @param train       {@code trainLabels.length} images of {@code height x width x channels} bytes, one after the other
     * @param trainLabels labels in {@code [0, classes.size())}
     */
    LabelledDataset(String name, DatasetSpec.Format format, List<String> classes, int channels, int height, int width,
                    byte[] train, int[] trainLabels, byte[] test, int[] testLabels) {
        long item = (long) channels * height * width;
        if (item < 1 || train.length != item * trainLabels.length || test.length != item * testLabels.length) {
            throw new IllegalArgumentException("images of " + channels + "x" + height + "x" + width + ": " + train.length
                    + " train bytes for " + trainLabels.length + " labels, " + test.length + " test bytes for "
                    + testLabels.length + " labels");
        }
        if (trainLabels.length == 0 || testLabels.length == 0) {
            throw new IllegalArgumentException("dataset " + name + " needs train and test images, got " + trainLabels.length
                    + " and " + testLabels.length);
        }
        for (int[] labels : new int[][]{trainLabels, testLabels}) {
            for (int y : labels) {
                if (y < 0 || y >= classes.size()) {
                    throw new IllegalArgumentException("label " + y + " outside the " + classes.size() + " classes");
                }
            }
        }
        this.name = name;
        this.format = format;
        this.classes = List.copyOf(classes);
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.train = train;
        this.trainLabels = trainLabels;
        this.test = test;
        this.testLabels = testLabels;
    }

    /**
     * Reads the dataset a spec describes.
     *
     * @throws IllegalStateException naming the directory and what is expected there when files are missing
     * @throws IOException           for files that cannot be read or decoded (the message names the file)
     */
    public static LabelledDataset load(DatasetSpec spec) throws IOException {
        return switch (spec.format()) {
            case IDX -> idx(spec);
            case FOLDER -> ImageFolder.read(spec);
        };
    }

    /** Fashion-MNIST from {@code dir}: the first {@code maxTrain} and {@code maxTest} items. */
    public static LabelledDataset fashionMnist(Path dir, int maxTrain, int maxTest) throws IOException {
        return load(DatasetSpec.fashionMnist(dir, maxTrain, maxTest));
    }

    private static LabelledDataset idx(DatasetSpec spec) throws IOException {
        Path dir = spec.dir();
        String hint = FASHION_MNIST.equals(spec.name()) ? " " + FashionMnist.HOW_TO_GET : "";
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("dataset directory " + dir.toAbsolutePath() + " does not exist." + hint);
        }
        DatasetSpec.IdxFiles f = spec.idx();
        try {
            IdxFile trainImages = IdxFile.read(file(dir, f.trainImages()), spec.maxTrain());
            IdxFile trainLabels = IdxFile.read(file(dir, f.trainLabels()), spec.maxTrain());
            IdxFile testImages = IdxFile.read(file(dir, f.testImages()), spec.maxTest());
            IdxFile testLabels = IdxFile.read(file(dir, f.testLabels()), spec.maxTest());
            int[] shape = imageShape(f.trainImages(), trainImages);
            int[] testShape = imageShape(f.testImages(), testImages);
            if (!Arrays.equals(shape, testShape)) {
                throw new IOException(f.testImages() + " holds " + shapeText(testShape) + " images, " + f.trainImages()
                        + " holds " + shapeText(shape));
            }
            int[] ytrain = labels(f.trainLabels(), trainLabels, trainImages.count());
            int[] ytest = labels(f.testLabels(), testLabels, testImages.count());
            int classes = 0;
            for (int y : ytrain) {
                classes = Math.max(classes, y + 1);
            }
            for (int y : ytest) {
                classes = Math.max(classes, y + 1);
            }
            List<String> names = new ArrayList<>();
            for (int c = 0; c < classes; c++) {
                names.add(Integer.toString(c));
            }
            return new LabelledDataset(spec.name(), DatasetSpec.Format.IDX, names, shape[2], shape[0], shape[1],
                    trainImages.data(), ytrain, testImages.data(), ytest);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException(e.getFile() + " is missing." + hint);
        }
    }

    /** {@code name} in {@code dir}, or {@code name.gz}. */
    private static Path file(Path dir, String name) throws NoSuchFileException {
        for (String candidate : List.of(name, name + ".gz")) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new NoSuchFileException(dir.resolve(name.endsWith(".gz") ? name : name + ".gz").toString());
    }

    /** {@code (height, width, channels)} of an IDX images file: {@code (n, h, w)} or {@code (n, h, w, c)}. */
    private static int[] imageShape(String name, IdxFile images) throws IOException {
        int[] d = images.dims();
        if (d.length != 3 && d.length != 4) {
            throw new IOException(name + " is not an images file: dimensions " + Arrays.toString(d) + ", expected (n, h, w) or (n, h, w, c)");
        }
        int c = d.length == 4 ? d[3] : 1;
        if (c != 1 && c != 3) {
            throw new IOException(name + " has " + c + " channels per pixel, expected 1 or 3");
        }
        return new int[]{d[1], d[2], c};
    }

    private static int[] labels(String name, IdxFile labels, int images) throws IOException {
        if (labels.dims().length != 1) {
            throw new IOException(name + " is not a labels file: dimensions " + Arrays.toString(labels.dims()) + ", expected (n)");
        }
        if (labels.count() != images) {
            throw new IOException(name + " holds " + labels.count() + " labels for " + images + " images");
        }
        int[] y = new int[labels.count()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.label(i);
        }
        return y;
    }

    private static String shapeText(int[] hwc) {
        return hwc[0] + "x" + hwc[1] + "x" + hwc[2];
    }

    public String name() {
        return name;
    }

    public DatasetSpec.Format format() {
        return format;
    }

    /**
     * The name and the split sizes, e.g. {@code fashion-mnist@60000/10000}: what an evaluation is stored under,
     * so that a result on a subset is never taken for one on the full dataset.
     */
    public String id() {
        return name() + "@" + trainCount() + "/" + testCount();
    }

    /** Class names; label {@code i} names class {@code classes().get(i)} ({@code "0"}, {@code "1"}... for IDX). */
    public List<String> classes() {
        return classes;
    }

    public int trainCount() {
        return trainLabels.length;
    }

    public int testCount() {
        return testLabels.length;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int channels() {
        return channels;
    }

    private int itemSize() {
        return channels * height * width;
    }

    /** Train image {@code i} as uint8 HWC pixels (a copy). */
    public byte[] trainImage(int i) {
        return Arrays.copyOfRange(train, i * itemSize(), (i + 1) * itemSize());
    }

    public byte[] testImage(int i) {
        return Arrays.copyOfRange(test, i * itemSize(), (i + 1) * itemSize());
    }

    public int[] trainLabels() {
        return trainLabels.clone();
    }

    public int[] testLabels() {
        return testLabels.clone();
    }

    /** Train images as raw-pixel features: pixels / 255, flattened (HWC). */
    public FeatureMatrix trainPixels() {
        return FeatureMatrix.ofPixels(train, trainCount(), itemSize());
    }

    public FeatureMatrix testPixels() {
        return FeatureMatrix.ofPixels(test, testCount(), itemSize());
    }

    /** One line for logs and the status: id, format, shape and classes. */
    public String describe() {
        return id() + " (" + format.label() + ", " + channels + "x" + height + "x" + width + ", " + classes.size() + " classes)";
    }
}
