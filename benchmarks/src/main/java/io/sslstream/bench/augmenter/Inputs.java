package io.sslstream.bench.augmenter;

import io.sslstream.augmenter.SampleDecoder;
import io.sslstream.contracts.codec.RawSample;
import io.sslstream.contracts.data.FashionMnist;
import io.sslstream.contracts.data.IdxFile;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The inputs of {@code ./bench augmenter}: what a producer would put into {@code ssl.samples.raw}, as payloads (raw
 * uint8 HWC pixels, PNG or JPEG bytes) that both sides read, ours inside {@link RawSample} records, the peer from a file.
 *
 * <p>Photographs come from a Debian package of desktop backgrounds ({@code mate-backgrounds}: twelve nature photos of
 * 1280x1024 to 2560x1920), scaled to a half and a quarter of their size and cut into 224x224 tiles, so that tiles hold
 * whole objects as ImageNet crops do rather than a few leaves.
 */
public final class Inputs {

    /** Where {@code apt-get install mate-backgrounds} puts its photographs. */
    public static final Path DEBIAN_PHOTOS = Path.of("/usr/share/backgrounds/mate/nature");
    public static final String HOW_TO_GET_PHOTOS = "apt-get install mate-backgrounds (photographs in " + DEBIAN_PHOTOS + ")";

    /**
     * Distinct payloads of one kind.
     *
     * @param contentType {@link RawSample#PIXELS_U8}, {@link SampleDecoder#PNG} or {@link SampleDecoder#JPEG}
     * @param height      declared height (0 for encoded images, as producers that do not decode send them)
     * @param width       declared width
     * @param channels    declared channels
     * @param payloads    the bytes, cycled when more samples are sent than there are payloads
     * @param source      what they are, for the report
     */
    public record Payloads(String contentType, int height, int width, int channels, List<byte[]> payloads, String source) {

        /** The raw sample of record {@code n}: payload {@code n % size}, its own id (and so its own seed). */
        public RawSample sample(String dataset, long n) {
            String id = dataset + "/" + n;
            byte[] payload = payloads.get((int) (n % payloads.size()));
            return new RawSample(id, dataset, "", contentType, height, width, channels, payload);
        }

        public double meanBytes() {
            return payloads.stream().mapToLong(p -> p.length).average().orElse(0);
        }

        /** Writes every payload as a big-endian u32 length and the bytes (what the peer reads). */
        public void writeTo(Path file) throws IOException {
            try (OutputStream o = Files.newOutputStream(file); DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(o))) {
                for (byte[] p : payloads) {
                    d.writeInt(p.length);
                    d.write(p);
                }
            }
        }
    }

    private Inputs() {
    }

    /** The first {@code n} Fashion-MNIST training images as raw 28x28x1 pixels. */
    public static Payloads fashionPixels(Path dir, int n) throws IOException {
        IdxFile idx = FashionMnist.read(dir, "train", n).images();
        List<byte[]> out = new ArrayList<>(idx.count());
        for (int i = 0; i < idx.count(); i++) {
            out.add(idx.item(i));
        }
        return new Payloads(RawSample.PIXELS_U8, 28, 28, 1, out, "Fashion-MNIST train[:" + idx.count() + "], raw 28x28x1 pixels");
    }

    /** The same images as gray PNGs (ImageIO's encoder). */
    public static Payloads fashionPng(Path dir, int n) throws IOException {
        IdxFile idx = FashionMnist.read(dir, "train", n).images();
        List<byte[]> out = new ArrayList<>(idx.count());
        for (int i = 0; i < idx.count(); i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            img.getRaster().setDataElements(0, 0, 28, 28, idx.item(i));
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ImageIO.write(img, "png", o);
            out.add(o.toByteArray());
        }
        return new Payloads(SampleDecoder.PNG, 0, 0, 0, out, "Fashion-MNIST train[:" + idx.count() + "] as 8-bit gray PNG");
    }

    /** 224x224 tiles of the photographs at half and quarter size, at most {@code max}. */
    public static List<BufferedImage> photoTiles(Path dir, int side, int max) throws IOException {
        List<Path> photos;
        try (Stream<Path> files = Files.list(dir)) {
            photos = files.filter(f -> f.getFileName().toString().toLowerCase().matches(".*\\.jpe?g")).sorted().toList();
        } catch (IOException e) {
            throw new IOException("no photographs in " + dir + ": " + HOW_TO_GET_PHOTOS, e);
        }
        if (photos.isEmpty()) {
            throw new IOException("no photographs in " + dir + ": " + HOW_TO_GET_PHOTOS);
        }
        List<BufferedImage> tiles = new ArrayList<>();
        for (int scale : new int[] {2, 4}) {
            for (Path p : photos) {
                BufferedImage photo = ImageIO.read(p.toFile());
                BufferedImage small = scaled(photo, photo.getWidth() / scale, photo.getHeight() / scale);
                for (int y = 0; y + side <= small.getHeight(); y += side) {
                    for (int x = 0; x + side <= small.getWidth(); x += side) {
                        if (tiles.size() < max) {
                            tiles.add(copy(small.getSubimage(x, y, side, side)));
                        }
                    }
                }
            }
        }
        return tiles;
    }

    /** The tiles as baseline JPEGs of {@code quality} (ImageIO's encoder, 4:2:0). */
    public static Payloads jpeg(List<BufferedImage> tiles, float quality, String source) throws IOException {
        List<byte[]> out = new ArrayList<>(tiles.size());
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            for (BufferedImage t : tiles) {
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality);
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                try (MemoryCacheImageOutputStream s = new MemoryCacheImageOutputStream(o)) {
                    writer.setOutput(s);
                    writer.write(null, new IIOImage(t, null, null), param);
                }
                out.add(o.toByteArray());
            }
        } finally {
            writer.dispose();
        }
        return new Payloads(SampleDecoder.JPEG, 0, 0, 0, out, source);
    }

    /** The tiles scaled to {@code side} x {@code side}, as raw RGB pixels. */
    public static Payloads rgbPixels(List<BufferedImage> tiles, int side, String source) {
        List<byte[]> out = new ArrayList<>(tiles.size());
        for (BufferedImage t : tiles) {
            BufferedImage s = scaled(t, side, side);
            byte[] px = new byte[side * side * 3];
            for (int y = 0, i = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    int rgb = s.getRGB(x, y);
                    px[i++] = (byte) (rgb >> 16);
                    px[i++] = (byte) (rgb >> 8);
                    px[i++] = (byte) rgb;
                }
            }
            out.add(px);
        }
        return new Payloads(RawSample.PIXELS_U8, side, side, 3, out, source);
    }

    /** Area-averaged downscale (the photographs' detail, not aliasing). */
    private static BufferedImage scaled(BufferedImage src, int w, int h) {
        BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = dst.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src.getScaledInstance(w, h, java.awt.Image.SCALE_AREA_AVERAGING), 0, 0, null);
        } finally {
            g.dispose();
        }
        return dst;
    }

    private static BufferedImage copy(BufferedImage src) {
        BufferedImage dst = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = dst.createGraphics();
        try {
            g.drawImage(src, 0, 0, null);
        } finally {
            g.dispose();
        }
        return dst;
    }
}
