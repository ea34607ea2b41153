package io.sslstream.augmenter;

import io.sslstream.augmenter.augment.Image;
import io.sslstream.contracts.codec.RawSample;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static io.sslstream.augmenter.TestSamples.encode;
import static io.sslstream.augmenter.TestSamples.encoded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SampleDecoderTest {

    final SampleDecoder decoder = new SampleDecoder(4096L * 4096);

    @Test
    void wrapsRawPixels() throws Exception {
        byte[] px = {1, 2, 3, 4, 5, 6};

        Image img = decoder.decode(RawSample.pixels("a", "d", "", 2, 1, 3, px));

        assertThat(img).isEqualTo(new Image(2, 1, 3, px));
    }

    @Test
    void rejectsRawPixelsWithOtherThanOneOrThreeChannels() {
        assertRejected(RawSample.pixels("a", "d", "", 1, 2, 2, new byte[4]), SampleDecoder.BAD_CHANNELS);
        assertRejected(RawSample.pixels("a", "d", "", 1, 1, 4, new byte[4]), SampleDecoder.BAD_CHANNELS);
    }

    @Test
    void rejectsZeroAndOversizedDimensions() {
        SampleDecoder small = new SampleDecoder(100);

        assertRejected(decoder, RawSample.pixels("a", "d", "", 0, 5, 1, new byte[0]), SampleDecoder.ZERO_DIMENSION);
        assertRejected(small, RawSample.pixels("a", "d", "", 11, 10, 1, new byte[110]), SampleDecoder.TOO_LARGE);
        assertRejected(decoder, RawSample.pixels("a", "d", "", 1, 70_000, 1, new byte[70_000]), SampleDecoder.TOO_LARGE);
    }

    @Test
    void decodesAGrayPngToTheSamePixels() throws Exception {
        BufferedImage src = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_GRAY);
        byte[] expected = new byte[15];
        for (int i = 0; i < 15; i++) {
            expected[i] = (byte) (i * 17);
            src.getRaster().setSample(i % 5, i / 5, 0, i * 17);
        }

        Image img = decoder.decode(encoded("g", SampleDecoder.PNG, encode(src, "png")));

        assertThat(img).isEqualTo(new Image(3, 5, 1, expected));
    }

    @Test
    void decodesAnRgbPngToHwcInRgbOrder() throws Exception {
        BufferedImage src = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        src.setRGB(0, 0, 0xFF0000);
        src.setRGB(1, 0, 0x00FF00);
        src.setRGB(0, 1, 0x0000FF);
        src.setRGB(1, 1, 0x102030);

        Image img = decoder.decode(encoded("c", SampleDecoder.PNG, encode(src, "png")));

        assertThat(img).isEqualTo(Image.rgb(2, 2, 255, 0, 0, 0, 255, 0, 0, 0, 255, 16, 32, 48));
    }

    /**
     * The byte layouts ImageIO and callers hand over (BGR and RGB interleaved bytes, which take the direct read; packed
     * ints and a sub-image, which do not) all come out as the image's own RGB values, in R, G, B order.
     */
    @Test
    void everyRgbLayoutComesOutInRgbOrder() throws Exception {
        BufferedImage bgr = noise(7, 5);
        java.awt.image.WritableRaster interleaved = java.awt.image.Raster.createInterleavedRaster(
                java.awt.image.DataBuffer.TYPE_BYTE, 7, 5, 7 * 3, 3, new int[] {0, 1, 2}, null);
        BufferedImage rgbBytes = new BufferedImage(new java.awt.image.ComponentColorModel(java.awt.color.ColorSpace.getInstance(
                java.awt.color.ColorSpace.CS_sRGB), false, false, java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_BYTE),
                interleaved, false, null);
        BufferedImage ints = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                rgbBytes.setRGB(x, y, bgr.getRGB(x, y));
                ints.setRGB(x, y, bgr.getRGB(x, y));
            }
        }
        BufferedImage decodedJpeg = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(encode(noise(40, 24), "jpeg")));

        for (BufferedImage img : List.of(bgr, rgbBytes, ints, bgr.getSubimage(2, 1, 4, 3), decodedJpeg)) {
            assertThat(SampleDecoder.toHwc(img)).isEqualTo(viaGetRgb(img));
        }
    }

    private static Image viaGetRgb(BufferedImage img) {
        int[] v = new int[img.getWidth() * img.getHeight() * 3];
        for (int y = 0, o = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++, o += 3) {
                int argb = img.getRGB(x, y);
                v[o] = (argb >> 16) & 0xFF;
                v[o + 1] = (argb >> 8) & 0xFF;
                v[o + 2] = argb & 0xFF;
            }
        }
        return Image.rgb(img.getHeight(), img.getWidth(), v);
    }

    @Test
    void scales16BitGrayAndDropsAlpha() throws Exception {
        BufferedImage gray16 = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 257 * 100, 65535});
        BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x80112233);

        assertThat(decoder.decode(encoded("g", SampleDecoder.PNG, encode(gray16, "png")))).isEqualTo(Image.gray(1, 3, 0, 100, 255));
        assertThat(decoder.decode(encoded("a", SampleDecoder.PNG, encode(argb, "png")))).isEqualTo(Image.rgb(1, 1, 0x11, 0x22, 0x33));
    }

    @Test
    void decodesJpegCloseToTheOriginal() throws Exception {
        BufferedImage gray = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage rgb = new BufferedImage(32, 32, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                gray.getRaster().setSample(x, y, 0, 4 * x + 2 * y);
                rgb.setRGB(x, y, (4 * x) << 16 | (4 * y) << 8 | 128);
            }
        }

        Image g = decoder.decode(encoded("g", SampleDecoder.JPEG, encode(gray, "jpeg")));
        Image c = decoder.decode(encoded("c", SampleDecoder.JPEG, encode(rgb, "jpeg")));

        assertThat(g.channels()).isEqualTo(1);
        assertThat(Math.abs(g.at(10, 20, 0) - (4 * 20 + 2 * 10))).isLessThanOrEqualTo(4);
        assertThat(c.channels()).isEqualTo(3);
        assertThat(new int[] {c.at(10, 20, 0), c.at(10, 20, 1), c.at(10, 20, 2)})
                .satisfies(px -> assertThat(Math.abs(px[0] - 80) + Math.abs(px[1] - 40) + Math.abs(px[2] - 128)).isLessThan(15));
    }

    @Test
    void rejectsATruncatedPng() {
        byte[] png = encode(noise(32, 32), "png");

        assertRejected(encoded("t", SampleDecoder.PNG, Arrays.copyOf(png, png.length / 2)), SampleDecoder.TRUNCATED);
        assertRejected(encoded("t", SampleDecoder.PNG, Arrays.copyOf(png, 20)), SampleDecoder.TRUNCATED);
    }

    @Test
    void rejectsATruncatedJpegThatImageIoWouldFillWithGray() {
        // ImageIO decodes the first part of a cut JPEG, fills the rest with gray and only warns
        byte[] jpeg = encode(noise(64, 64), "jpeg");

        for (double f : new double[] {0.7, 0.9, 0.99}) {
            assertRejected(encoded("t", SampleDecoder.JPEG, Arrays.copyOf(jpeg, (int) (jpeg.length * f))), SampleDecoder.TRUNCATED);
        }
    }

    @Test
    void probesTheSizeOfAnEncodedImageFromItsHeader() throws Exception {
        assertThat(decoder.probe(SampleDecoder.PNG, encode(noise(7, 5), "png"))).containsExactly(5, 7);
        assertThat(decoder.probe(SampleDecoder.JPEG, encode(noise(9, 4), "jpeg"))).containsExactly(4, 9);
        assertThatThrownBy(() -> decoder.probe(SampleDecoder.PNG, TestSamples.pngClaiming(30_000, 30_000)))
                .isInstanceOfSatisfying(RejectedSampleException.class, e -> assertThat(e.reason()).isEqualTo(SampleDecoder.TOO_LARGE));
        assertThatThrownBy(() -> decoder.probe(SampleDecoder.JPEG, new byte[] {1, 2, 3}))
                .isInstanceOfSatisfying(RejectedSampleException.class, e -> assertThat(e.reason()).isEqualTo(SampleDecoder.CONTENT_MISMATCH));
        assertThatThrownBy(() -> decoder.probe("image/gif", new byte[] {1, 2, 3}))
                .isInstanceOfSatisfying(RejectedSampleException.class,
                        e -> assertThat(e.reason()).isEqualTo(SampleDecoder.UNSUPPORTED_CONTENT_TYPE));
    }

    @Test
    void rejectsBytesThatAreNotAnImageOfTheDeclaredType() {
        byte[] random = new byte[500];
        new SplittableRandom(1).nextBytes(random);

        assertRejected(encoded("r", SampleDecoder.PNG, random), SampleDecoder.CONTENT_MISMATCH);
        assertRejected(encoded("r", SampleDecoder.JPEG, encode(noise(4, 4), "png")), SampleDecoder.CONTENT_MISMATCH);
        assertRejected(encoded("r", SampleDecoder.PNG, new byte[] {1, 2, 3}), SampleDecoder.CONTENT_MISMATCH);
        assertRejected(encoded("r", SampleDecoder.PNG, new byte[0]), SampleDecoder.CONTENT_MISMATCH);
        // the start of a real signature is a truncated image, not a foreign one
        assertRejected(encoded("r", SampleDecoder.PNG, Arrays.copyOf(encode(noise(4, 4), "png"), 5)), SampleDecoder.TRUNCATED);
        assertThat(SampleDecoder.sniff(encode(noise(4, 4), "png"))).isEqualTo(SampleDecoder.PNG);
        assertThat(SampleDecoder.sniff(encode(noise(4, 4), "jpeg"))).isEqualTo(SampleDecoder.JPEG);
        assertThat(SampleDecoder.sniff(random)).isNull();
    }

    @Test
    void rejectsADamagedPng() {
        byte[] png = encode(noise(32, 32), "png");
        for (int i = 60; i < png.length - 20; i++) {
            png[i] = (byte) ~png[i];
        }

        // the damage shows in the CRC of its chunk; with the CRCs computed again, the decoder finds it
        assertRejected(encoded("d", SampleDecoder.PNG, png), SampleDecoder.BAD_CRC);
        assertRejected(encoded("d", SampleDecoder.PNG, TestSamples.withCrcsFixed(png)), SampleDecoder.CORRUPT);
    }

    @Test
    void checksTheCrcOfEveryPngChunkWhichImageIoIgnores() throws Exception {
        byte[] png = encode(noise(32, 32), "png");
        byte[] flipped = TestSamples.withBadCrc(png);
        // the premise: ImageIO reads the file without a word (damaged data would decode to other pixels just as silently)
        BufferedImage lenient = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(flipped));
        assertThat(lenient).isNotNull();

        assertThatThrownBy(() -> decoder.decode(encoded("c", SampleDecoder.PNG, flipped)))
                .isInstanceOfSatisfying(RejectedSampleException.class, e -> {
                    assertThat(e.reason()).isEqualTo(SampleDecoder.BAD_CRC);
                    assertThat(e.getMessage()).contains("IDAT", "at byte " + TestSamples.chunkOffset(png, "IDAT"));
                });
        assertThatThrownBy(() -> decoder.probe(SampleDecoder.PNG, flipped))
                .isInstanceOfSatisfying(RejectedSampleException.class, e -> assertThat(e.reason()).isEqualTo(SampleDecoder.BAD_CRC));
        byte[] badHeader = png.clone();
        badHeader[29] ^= 1; // the IHDR CRC itself
        assertRejected(encoded("c", SampleDecoder.PNG, badHeader), SampleDecoder.BAD_CRC);
        // without its IEND chunk the file is cut short, even if the pixels are all there
        int iend = TestSamples.chunkOffset(png, "IEND");
        assertRejected(encoded("c", SampleDecoder.PNG, Arrays.copyOf(png, iend)), SampleDecoder.TRUNCATED);
        // a chunk longer than the file
        byte[] longChunk = png.clone();
        java.nio.ByteBuffer.wrap(longChunk).putInt(TestSamples.chunkOffset(png, "IDAT"), 1 << 30);
        assertRejected(encoded("c", SampleDecoder.PNG, longChunk), SampleDecoder.TRUNCATED);
        // bytes after IEND are ignored, as every decoder does
        assertThat(decoder.decode(encoded("c", SampleDecoder.PNG, Arrays.copyOf(png, png.length + 7))).height()).isEqualTo(32);
    }

    @Test
    void theCallersHeaderCheckRunsBeforeAnyPixelOrCrcIsRead() {
        // 4096 x 4096 within the pixel limit, but cut inside its pixel data and with a damaged CRC: decoding it would
        // say truncated or bad-crc; the header check refuses it first
        byte[] png = TestSamples.blackPng(4096, 4096);
        byte[] cut = Arrays.copyOf(TestSamples.withBadCrc(png), png.length - 100);
        int[] seen = new int[2];
        SampleDecoder.HeaderCheck refuse = (h, w) -> {
            seen[0] = h;
            seen[1] = w;
            throw new RejectedSampleException("test.refused", RejectedSampleException.STAGE_AUGMENT, "too big for the test");
        };

        assertThatThrownBy(() -> decoder.decode(encoded("h", SampleDecoder.PNG, cut), refuse, CpuBudget.unlimited()))
                .isInstanceOfSatisfying(RejectedSampleException.class, e -> assertThat(e.reason()).isEqualTo("test.refused"));
        assertThat(seen).containsExactly(4096, 4096);
        assertRejected(encoded("h", SampleDecoder.PNG, cut), SampleDecoder.TRUNCATED);
    }

    @Test
    void stopsDecodingWhenTheSamplesCpuTimeRunsOut() throws Exception {
        byte[] png = encode(noise(256, 256), "png");
        byte[] jpeg = encode(noise(256, 256), "jpeg");
        for (byte[] image : List.of(png, jpeg)) {
            String type = image == png ? SampleDecoder.PNG : SampleDecoder.JPEG;
            // a clock on which every reading is 10 ms of CPU time later: the budget of 50 ms runs out a few rows in
            SteppingClock clock = new SteppingClock(10_000_000);
            CpuBudget budget = CpuBudget.start(java.time.Duration.ofMillis(50), clock);

            assertThatThrownBy(() -> decoder.decode(encoded("slow", type, image), SampleDecoder.HeaderCheck.NONE, budget))
                    .as(type).isInstanceOfSatisfying(RejectedSampleException.class, e -> {
                        assertThat(e.reason()).isEqualTo(CpuBudget.EXCEEDED);
                        assertThat(e.stage()).isEqualTo(RejectedSampleException.STAGE_DECODE);
                        assertThat(e.getMessage()).contains("256x256", type, "limit of 50 ms");
                    });
            // the reader stopped at the first report after the limit instead of going on: a PNG reports every row
            assertThat(clock.readings).as(type).isLessThan(20);
            // and with time to spare, the same image decodes
            assertThat(decoder.decode(encoded("slow", type, image), SampleDecoder.HeaderCheck.NONE,
                    CpuBudget.start(java.time.Duration.ofSeconds(10), new SteppingClock(1))).height()).isEqualTo(256);
        }
    }

    /** Wall and CPU clocks that both move {@code step} nanoseconds on every reading. */
    static final class SteppingClock implements CpuBudget.Clock {

        final long step;
        long now;
        int readings;

        SteppingClock(long step) {
            this.step = step;
        }

        @Override
        public long wallNanos() {
            readings++;
            return now += step;
        }

        @Override
        public long threadCpuNanos() {
            readings++;
            return now += step;
        }
    }

    @Test
    void rejectsAHugeDeclaredImageFromItsHeaderWithoutDecodingIt() {
        // 20000 x 20000 gray would need 400 MB; the header alone says no
        assertRejected(encoded("b", SampleDecoder.PNG, TestSamples.pngClaiming(20_000, 20_000)), SampleDecoder.TOO_LARGE);
    }

    @Test
    void rejectsUnsupportedContentTypes() {
        assertRejected(encoded("u", "image/gif", new byte[10]), SampleDecoder.UNSUPPORTED_CONTENT_TYPE);
        assertRejected(encoded("u", "text/plain", new byte[10]), SampleDecoder.UNSUPPORTED_CONTENT_TYPE);
    }

    @Test
    void rejectsAnEncodedImageWhoseDeclaredShapeDiffers() {
        byte[] png = encode(noise(4, 4), "png");

        assertRejected(new RawSample("s", "d", "", SampleDecoder.PNG, 5, 4, 0, png), SampleDecoder.SHAPE_MISMATCH);
        assertRejected(new RawSample("s", "d", "", SampleDecoder.PNG, 4, 4, 1, png), SampleDecoder.SHAPE_MISMATCH);
    }

    private void assertRejected(RawSample sample, String reason) {
        assertRejected(decoder, sample, reason);
    }

    private static void assertRejected(SampleDecoder decoder, RawSample sample, String reason) {
        assertThatThrownBy(() -> decoder.decode(sample))
                .isInstanceOfSatisfying(RejectedSampleException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.stage()).isEqualTo(RejectedSampleException.STAGE_DECODE);
                    assertThat(e.getMessage()).isNotBlank();
                });
    }

    private static BufferedImage noise(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        SplittableRandom rnd = new SplittableRandom(w * 31L + h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        return img;
    }
}
