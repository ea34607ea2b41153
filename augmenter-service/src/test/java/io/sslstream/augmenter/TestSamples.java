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
import java.util.zip.Deflater;

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

    /**
     * A valid 8-bit gray PNG of {@code width x height} black pixels, written chunk by chunk: a few kilobytes that
     * inflate to {@code width * height} bytes (4096 x 4096 is about 17 KB for 16 MB of pixels).
     */
    public static byte[] blackPng(int width, int height) {
        return blackPng(width, height, 1);
    }

    /** {@link #blackPng(int, int)} in gray (1 channel) or RGB (3 channels). */
    public static byte[] blackPng(int width, int height, int channels) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] row = new byte[1 + width * channels]; // filter byte 0 (none), then the row's samples
        byte[] buf = new byte[64 * 1024];
        for (int y = 0; y < height; y++) {
            deflater.setInput(row);
            while (!deflater.needsInput()) {
                idat.write(buf, 0, deflater.deflate(buf));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        byte colourType = (byte) (channels == 3 ? 2 : 0);
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put(colourType)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A copy of a PNG whose first IDAT chunk's CRC has one bit flipped: the CRC no longer matches the data. */
    public static byte[] withBadCrc(byte[] png) {
        byte[] b = png.clone();
        int at = chunkOffset(b, "IDAT");
        b[at + 8 + ByteBuffer.wrap(b).getInt(at)] ^= 0x10;
        return b;
    }

    /** A copy of a PNG whose chunk CRCs are computed again: damage made in the data no longer shows in a CRC. */
    public static byte[] withCrcsFixed(byte[] png) {
        byte[] b = png.clone();
        ByteBuffer buf = ByteBuffer.wrap(b);
        for (int at = 8; at + 12 <= b.length; ) {
            int len = buf.getInt(at);
            CRC32 crc = new CRC32();
            crc.update(b, at + 4, 4 + len);
            buf.putInt(at + 8 + len, (int) crc.getValue());
            at += 12 + len;
        }
        return b;
    }

    /** Byte offset of the first chunk of {@code type} in a PNG. */
    public static int chunkOffset(byte[] png, String type) {
        ByteBuffer buf = ByteBuffer.wrap(png);
        for (int at = 8; at + 8 <= png.length; at += 12 + buf.getInt(at)) {
            if (new String(png, at + 4, 4, StandardCharsets.US_ASCII).equals(type)) {
                return at;
            }
        }
        throw new IllegalArgumentException("no " + type + " chunk");
    }

    /**
     * A RawSample v1 of 1x1 gray raw pixels written field by field, so that the fields the codec refuses to write
     * (ids and datasets that break the rule, invalid UTF-8) can be sent.
     */
    public static byte[] rawRecord(byte[] sampleId, byte[] dataset) {
        byte[] type = RawSample.PIXELS_U8.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(6 + 2 + sampleId.length + 2 + dataset.length + 2 + 2 + type.length + 13 + 1);
        b.put(new byte[] {'S', 'S', 'L', 'R', 1, 0});
        b.putShort((short) sampleId.length).put(sampleId).putShort((short) dataset.length).put(dataset).putShort((short) 0);
        b.putShort((short) type.length).put(type).putInt(1).putInt(1).put((byte) 1).putInt(1).put((byte) 7);
        return b.array();
    }

    public static byte[] rawRecord(String sampleId, String dataset) {
        return rawRecord(sampleId.getBytes(StandardCharsets.UTF_8), dataset.getBytes(StandardCharsets.UTF_8));
    }

    public static RawSample encoded(String id, String contentType, byte[] bytes) {
        return new RawSample(id, "test", "", contentType, 0, 0, 0, bytes);
    }
}
