package io.sslstream.augmenter;

import io.sslstream.contracts.codec.RawSample;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/** Well-formed and malformed sample bytes for the tests. */
public final class TestSamples {

    private TestSamples() {
    }

    public static String fashionId(int i) {
        return "fashion-mnist/train/" + i;
    }

    public static RawSample fashion(int i, byte[] pixels) {
        return RawSample.pixels(fashionId(i), "fashion-mnist", "testdata/fashion-mnist-subset#train/" + i, 28, 28, 1, pixels);
    }

    public static byte[] truncated(byte[] encoded) {
        return Arrays.copyOf(encoded, encoded.length / 2);
    }

    public static byte[] badMagic(byte[] encoded) {
        byte[] b = encoded.clone();
        b[0] = 'X';
        return b;
    }

    public static byte[] version(byte[] encoded, int version) {
        byte[] b = encoded.clone();
        b[4] = (byte) version;
        return b;
    }

    /** {@code sample}'s bytes with another declared height and width (the payload stays as it is). */
    public static byte[] declaringShape(RawSample sample, int height, int width) {
        byte[] b = sample.encode();
        int at = 6;
        for (String s : new String[] {sample.sampleId(), sample.dataset(), sample.sourceUri(), sample.contentType()}) {
            at += 2 + s.getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer.wrap(b).putInt(at, height).putInt(at + 4, width);
        return b;
    }

    public static byte[] encode(BufferedImage img, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid PNG whose header claims {@code width x height}: a decompression bomb's first bytes. */
    public static byte[] pngClaiming(int width, int height) {
        byte[] png = encode(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY), "png");
        // signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), ... 13 data bytes, CRC over type + data
        ByteBuffer buf = ByteBuffer.wrap(png);
        buf.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        buf.putInt(29, (int) crc.getValue());
        return png;
    }

    public static RawSample encoded(String id, String contentType, byte[] bytes) {
        return new RawSample(id, "test", "", contentType, 0, 0, 0, bytes);
    }
}
