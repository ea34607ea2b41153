package io.sslstream.eval.dataset;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Image folders written from the shipped Fashion-MNIST subset, as a user would lay them out. */
public final class TestFolders {

    public static final Path SUBSET = Path.of("../testdata/fashion-mnist-subset");
    /** Folder class name to Fashion-MNIST label; sorted by name they become labels 0, 1, 2. */
    public static final Map<String, Integer> CLASSES = Map.of("bag", 8, "coat", 4, "trouser", 1);
    public static final String[] NAMES = {"bag", "coat", "trouser"};

    private TestFolders() {
    }

    /**
     * Writes {@code perClassTrain} and {@code perClassTest} images of each of {@link #CLASSES} as PNG files
     * ({@code img000.png}...), taken in order from the subset's splits; grayscale, or RGB with the gray value in all
     * three channels when {@code rgb}.
     */
    public static Path write(Path dir, int perClassTrain, int perClassTest, boolean rgb) throws IOException {
        LabelledDataset source = LabelledDataset.fashionMnist(SUBSET, 4000, 1000);
        for (String split : new String[]{"train", "test"}) {
            boolean train = split.equals("train");
            int[] labels = train ? source.trainLabels() : source.testLabels();
            for (String name : NAMES) {
                Path classDir = Files.createDirectories(dir.resolve(split).resolve(name));
                int written = 0;
                for (int i = 0; i < labels.length && written < (train ? perClassTrain : perClassTest); i++) {
                    if (labels[i] == CLASSES.get(name)) {
                        byte[] px = train ? source.trainImage(i) : source.testImage(i);
                        ImageIO.write(rgb ? rgb(px, 28, 28) : gray(px, 28, 28), "png",
                                classDir.resolve(String.format("img%03d.png", written)).toFile());
                        written++;
                    }
                }
            }
        }
        return dir;
    }

    /** The {@code n}-th subset image of a class, in split order: what {@code img00n.png} holds. */
    public static byte[] original(String split, String className, int n) throws IOException {
        LabelledDataset source = LabelledDataset.fashionMnist(SUBSET, 4000, 1000);
        boolean train = split.equals("train");
        int[] labels = train ? source.trainLabels() : source.testLabels();
        int seen = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == CLASSES.get(className) && seen++ == n) {
                return train ? source.trainImage(i) : source.testImage(i);
            }
        }
        throw new IllegalArgumentException("no image " + n + " of " + className);
    }

    public static BufferedImage gray(byte[] px, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, w, h, px);
        return img;
    }

    public static BufferedImage rgb(byte[] px, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = px[y * w + x] & 0xFF;
                img.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        return img;
    }
}
