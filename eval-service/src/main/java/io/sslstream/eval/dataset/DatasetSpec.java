package io.sslstream.eval.dataset;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the labelled evaluation set is and how to read it.
 *
 * @param format      {@link Format#IDX} (an images file and a labels file per split) or {@link Format#FOLDER}
 *                    ({@code train/<class>/*} and {@code test/<class>/*} image files)
 * @param name        reported name, the first part of the dataset id ({@code name@train/test})
 * @param dir         directory holding the IDX files, or the folder with {@code train/} and {@code test/}
 * @param idx         file names of the IDX pair (IDX only)
 * @param channels    channels the images are decoded to, 1 or 3; empty: those of the first train image (folder only)
 * @param size        height and width every image is resized to; empty: all images must have the size of the first
 *                    train image (folder only)
 * @param maxTrain    train items used at most
 * @param maxTest     test items used at most
 */
public record DatasetSpec(Format format, String name, Path dir, IdxFiles idx, Optional<Integer> channels,
                          Optional<ImageSize> size, int maxTrain, int maxTest) {

    /** How the dataset is stored. */
    public enum Format {
        IDX, FOLDER;

        /** {@code idx} or {@code folder}, case-insensitive. */
        public static Format parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("dataset format must be 'idx' or 'folder', got '" + s + "'");
            }
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * File names of an IDX pair per split, relative to the dataset directory; each is also found with {@code .gz}
     * appended.
     */
    public record IdxFiles(String trainImages, String trainLabels, String testImages, String testLabels) {
        /** Fashion-MNIST's (and MNIST's) names. */
        public static IdxFiles fashionMnist() {
            return new IdxFiles("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                    "t10k-labels-idx1-ubyte");
        }
    }

    /** Height and width in pixels, written {@code HxW} in configuration, e.g. {@code 28x28}. */
    public record ImageSize(int height, int width) {
        private static final Pattern FORM = Pattern.compile("(\\d{1,5})x(\\d{1,5})");

        public ImageSize {
            if (height < 1 || width < 1) {
                throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
            }
        }

        public static ImageSize parse(String s) {
            Matcher m = FORM.matcher(s.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("image size must be written HxW (e.g. 28x28), got '" + s + "'");
            }
            return new ImageSize(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }

        @Override
        public String toString() {
            return height + "x" + width;
        }
    }

    public DatasetSpec {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(idx, "idx");
        channels = channels == null ? Optional.empty() : channels;
        size = size == null ? Optional.empty() : size;
        if (name == null || name.isBlank() || name.contains("@")) {
            throw new IllegalArgumentException("dataset name must be non-empty and contain no '@', got '" + name + "'");
        }
        if (maxTrain < 1 || maxTest < 1) {
            throw new IllegalArgumentException("max train and test items must be >= 1, got " + maxTrain + " and " + maxTest);
        }
        if (channels.isPresent() && channels.get() != 1 && channels.get() != 3) {
            throw new IllegalArgumentException("dataset channels must be 1 or 3, got " + channels.get());
        }
    }

    /** Fashion-MNIST's IDX files in {@code dir}, the first {@code maxTrain} and {@code maxTest} items. */
    public static DatasetSpec fashionMnist(Path dir, int maxTrain, int maxTest) {
        return new DatasetSpec(Format.IDX, LabelledDataset.FASHION_MNIST, dir, IdxFiles.fashionMnist(), Optional.empty(),
                Optional.empty(), maxTrain, maxTest);
    }

    /** An image folder named after its directory. */
    public static DatasetSpec folder(Path dir, Optional<Integer> channels, Optional<ImageSize> size, int maxTrain, int maxTest) {
        return new DatasetSpec(Format.FOLDER, defaultName(Format.FOLDER, dir), dir, IdxFiles.fashionMnist(), channels, size,
                maxTrain, maxTest);
    }

    /** The name used when none is configured: {@code fashion-mnist} for IDX, the directory's name for a folder. */
    public static String defaultName(Format format, Path dir) {
        if (format == Format.IDX) {
            return LabelledDataset.FASHION_MNIST;
        }
        Path leaf = dir.toAbsolutePath().normalize().getFileName();
        return leaf == null ? "images" : leaf.toString().replace('@', '-');
    }
}
