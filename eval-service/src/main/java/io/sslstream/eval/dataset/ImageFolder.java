package io.sslstream.eval.dataset;

import javax.imageio.ImageIO;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A labelled dataset stored as image files, one sub-folder per class:
 * <pre>
 * dir/train/&lt;class&gt;/*.png|jpg|jpeg
 * dir/test/&lt;class&gt;/*.png|jpg|jpeg
 * </pre>
 * Classes are the sub-folders of {@code train/}, sorted by name (label 0 is the first); a test class that has no
 * train folder is refused. Files with other extensions and hidden files are ignored. Within a class, files are
 * taken in name order; the split interleaves the classes (one image of each class in turn), so that
 * {@code max-train} and {@code max-test} keep the classes balanced.
 *
 * <p>Images are decoded with ImageIO to the dataset's channels: a grayscale image keeps its sample
 * values (band 0, scaled to 8 bits; no colour management), a colour image becomes its sRGB values, or for one channel their luma
 * {@code 0.299 R + 0.587 G + 0.114 B} (as PIL's {@code convert("L")}); grayscale becomes 3 equal channels; alpha is
 * ignored. An image whose size differs from the dataset's is resized (bilinear, half-pixel centres, the aspect
 * ratio not kept) when an image size is configured, and refused otherwise: nothing is silently distorted.
 */
final class ImageFolder {

    static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg");

    private ImageFolder() {
    }

    static LabelledDataset read(DatasetSpec spec) throws IOException {
        Path dir = spec.dir();
        Path trainDir = dir.resolve("train");
        Path testDir = dir.resolve("test");
        if (!Files.isDirectory(trainDir) || !Files.isDirectory(testDir)) {
            throw new IllegalStateException("image folder " + dir.toAbsolutePath() + " needs train/<class>/ and test/<class>/ "
                    + "sub-folders of .png or .jpg images");
        }
        List<String> classes = subFolders(trainDir);
        if (classes.size() < 2) {
            throw new IllegalStateException(trainDir.toAbsolutePath() + " has " + classes.size()
                    + " class folders; a linear probe needs at least 2");
        }
        for (String c : subFolders(testDir)) {
            if (!classes.contains(c)) {
                throw new IllegalStateException("test class '" + c + "' has no folder in " + trainDir.toAbsolutePath()
                        + " (train classes: " + classes + ")");
            }
        }
        List<Item> trainItems = items(trainDir, classes, spec.maxTrain());
        List<Item> testItems = items(testDir, classes, spec.maxTest());
        if (trainItems.isEmpty() || testItems.isEmpty()) {
            throw new IllegalStateException("image folder " + dir.toAbsolutePath() + " has " + trainItems.size() + " train and "
                    + testItems.size() + " test images (.png, .jpg, .jpeg)");
        }
        BufferedImage first = decode(trainItems.get(0).file());
        int channels = spec.channels().orElseGet(() -> isGray(first) ? 1 : 3);
        int height = spec.size().map(DatasetSpec.ImageSize::height).orElse(first.getHeight());
        int width = spec.size().map(DatasetSpec.ImageSize::width).orElse(first.getWidth());
        Decoder decoder = new Decoder(channels, height, width, spec.size().isPresent());
        byte[] train = decoder.all(trainItems);
        byte[] test = decoder.all(testItems);
        return new LabelledDataset(spec.name(), DatasetSpec.Format.FOLDER, classes, channels, height, width, train,
                labels(trainItems), test, labels(testItems));
    }

    private record Item(Path file, int label) {
    }

    private static List<String> subFolders(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("."))
                    .sorted()
                    .toList();
        }
    }

    /** Up to {@code max} images of the split, one of each class in turn. */
    private static List<Item> items(Path split, List<String> classes, int max) throws IOException {
        List<List<Path>> byClass = new ArrayList<>();
        for (String c : classes) {
            Path d = split.resolve(c);
            if (!Files.isDirectory(d)) {
                byClass.add(List.of());
                continue;
            }
            try (Stream<Path> s = Files.list(d)) {
                byClass.add(s.filter(Files::isRegularFile).filter(ImageFolder::isImageName)
                        .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList());
            }
        }
        List<Item> out = new ArrayList<>();
        for (int round = 0; out.size() < max; round++) {
            boolean any = false;
            for (int c = 0; c < byClass.size() && out.size() < max; c++) {
                if (round < byClass.get(c).size()) {
                    out.add(new Item(byClass.get(c).get(round), c));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        return out;
    }

    private static boolean isImageName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return !n.startsWith(".") && dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static int[] labels(List<Item> items) {
        return items.stream().mapToInt(Item::label).toArray();
    }

    static BufferedImage decode(Path file) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": cannot decode the image: " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IOException(file + ": not an image ImageIO can read");
        }
        return img;
    }

    /** A grayscale image (with or without alpha) that is not a palette image: band 0 holds the gray levels. */
    static boolean isGray(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        return !(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    /** Decodes images to uint8 HWC pixels of one shape. */
    static final class Decoder {
        private final int channels;
        private final int height;
        private final int width;
        private final boolean resize;

        Decoder(int channels, int height, int width, boolean resize) {
            this.channels = channels;
            this.height = height;
            this.width = width;
            this.resize = resize;
        }

        byte[] all(List<Item> items) throws IOException {
            int size = channels * height * width;
            byte[] out = new byte[Math.multiplyExact(items.size(), size)];
            for (int i = 0; i < items.size(); i++) {
                Path f = items.get(i).file();
                System.arraycopy(pixels(f, decode(f)), 0, out, i * size, size);
            }
            return out;
        }

        /** The image as {@code height x width x channels} uint8 values. */
        byte[] pixels(Path file, BufferedImage img) throws IOException {
            int h = img.getHeight();
            int w = img.getWidth();
            if ((h != height || w != width) && !resize) {
                throw new IOException(file + " is " + h + "x" + w + ", the dataset's images are " + height + "x" + width
                        + " (the first train image's size): set ssl.eval.dataset.image-size to resize them all");
            }
            byte[] hwc = toChannels(img, channels);
            return h == height && w == width ? hwc : bilinear(hwc, h, w, channels, height, width);
        }
    }

    /** The image's pixels as {@code h x w x channels} uint8 values (see the class comment for the conversion). */
    static byte[] toChannels(BufferedImage img, int channels) {
        int h = img.getHeight();
        int w = img.getWidth();
        byte[] out = new byte[h * w * channels];
        if (isGray(img)) {
            Raster r = img.getRaster();
            int bits = img.getColorModel().getComponentSize(0);
            double scale = 255.0 / ((1L << bits) - 1);
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    byte v = (byte) (bits == 8 ? row[x] : (int) Math.round(row[x] * scale));
                    for (int c = 0; c < channels; c++) {
                        out[(y * w + x) * channels + c] = v;
                    }
                }
            }
            return out;
        }
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < rgb.length; i++) {
            int r = (rgb[i] >> 16) & 0xFF;
            int g = (rgb[i] >> 8) & 0xFF;
            int b = rgb[i] & 0xFF;
            if (channels == 1) {
                out[i] = (byte) (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
            } else {
                out[3 * i] = (byte) r;
                out[3 * i + 1] = (byte) g;
                out[3 * i + 2] = (byte) b;
            }
        }
        return out;
    }

    /**
     * Bilinear resize of uint8 HWC pixels with half-pixel centres ({@code align_corners=False}, no antialiasing):
     * output pixel {@code y} samples the input at {@code (y + 0.5) * h / H - 0.5}, clamped to the border.
     */
    static byte[] bilinear(byte[] src, int h, int w, int c, int outH, int outW) {
        byte[] out = new byte[outH * outW * c];
        double sy = (double) h / outH;
        double sx = (double) w / outW;
        for (int y = 0; y < outH; y++) {
            double fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
            int y0 = (int) fy;
            int y1 = Math.min(y0 + 1, h - 1);
            double wy = fy - y0;
            for (int x = 0; x < outW; x++) {
                double fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
                int x0 = (int) fx;
                int x1 = Math.min(x0 + 1, w - 1);
                double wx = fx - x0;
                for (int k = 0; k < c; k++) {
                    double top = (src[(y0 * w + x0) * c + k] & 0xFF) * (1 - wx) + (src[(y0 * w + x1) * c + k] & 0xFF) * wx;
                    double bottom = (src[(y1 * w + x0) * c + k] & 0xFF) * (1 - wx) + (src[(y1 * w + x1) * c + k] & 0xFF) * wx;
                    out[(y * outW + x) * c + k] = (byte) (int) Math.round(top * (1 - wy) + bottom * wy);
                }
            }
        }
        return out;
    }
}
