package io.sslstream.augmenter;

import io.sslstream.augmenter.augment.Image;
import io.sslstream.contracts.codec.RawSample;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;

import static io.sslstream.augmenter.RejectedSampleException.STAGE_DECODE;

/**
 * Turns the payload of a {@link RawSample} into an 8-bit gray or RGB {@link Image}, or rejects it with a
 * precise reason.
 *
 * <p>Raw pixels are wrapped without a copy. PNG and JPEG are decoded with {@code javax.imageio}; their
 * dimensions are read from the header and checked against the pixel limit <em>before</em> any pixel is
 * decompressed, so a small file declaring a huge image (a decompression bomb) costs nothing.
 */
public final class SampleDecoder {

    /** Content type not among {@link #SUPPORTED_TYPES}. */
    public static final String UNSUPPORTED_CONTENT_TYPE = "image.unsupported-content-type";
    /** Height times width above the configured limit, or a side above 65535 (the {@code View} limit). */
    public static final String TOO_LARGE = "image.too-large";
    /** Height or width zero. */
    public static final String ZERO_DIMENSION = "image.zero-dimension";
    /** A channel count other than 1 or 3. */
    public static final String BAD_CHANNELS = "image.bad-channels";
    /** The payload does not start like an image of its declared content type. */
    public static final String CONTENT_MISMATCH = "image.content-mismatch";
    /** The encoded image ends before its data does. */
    public static final String TRUNCATED = "image.truncated";
    /** The encoded image is damaged in another way. */
    public static final String CORRUPT = "image.corrupt";
    /** The record declares a shape that the decoded image does not have. */
    public static final String SHAPE_MISMATCH = "image.shape-mismatch";

    public static final String PNG = "image/png";
    public static final String JPEG = "image/jpeg";
    /** Content types this build decodes, besides {@link RawSample#PIXELS_U8}. */
    public static final Set<String> SUPPORTED_TYPES = Set.of(PNG, JPEG);

    /** Largest side a {@code View} can hold (u16 on the wire). */
    static final int MAX_SIDE = 0xFFFF;

    private final long maxPixels;

    /** @param maxPixels largest accepted height times width */
    public SampleDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("max pixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    public Image decode(RawSample sample) throws RejectedSampleException {
        if (sample.isRawPixels()) {
            checkSize(sample.height(), sample.width());
            checkChannels(sample.channels());
            return new Image(sample.height(), sample.width(), sample.channels(), sample.payload());
        }
        if (!SUPPORTED_TYPES.contains(sample.contentType())) {
            throw reject(UNSUPPORTED_CONTENT_TYPE, "content type '" + sample.contentType() + "' is not one of "
                    + RawSample.PIXELS_U8 + ", " + PNG + ", " + JPEG);
        }
        Image image = decodeEncoded(sample);
        if ((sample.height() != 0 && sample.height() != image.height()) || (sample.width() != 0 && sample.width() != image.width())
                || (sample.channels() != 0 && sample.channels() != image.channels())) {
            throw reject(SHAPE_MISMATCH, "record declares " + sample.height() + "x" + sample.width() + "x" + sample.channels()
                    + " but the " + sample.contentType() + " image is " + image.height() + "x" + image.width() + "x"
                    + image.channels() + " (0 = unknown)");
        }
        return image;
    }

    private Image decodeEncoded(RawSample sample) throws RejectedSampleException {
        String type = sample.contentType();
        Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(type);
        if (!readers.hasNext()) {
            throw reject(UNSUPPORTED_CONTENT_TYPE, "this JVM has no ImageIO reader for " + type);
        }
        ImageReader reader = readers.next();
        // an in-memory stream: ImageIO's default for input streams may cache in temporary files
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(sample.payload()))) {
            if (!reader.getOriginatingProvider().canDecodeInput(in)) {
                throw reject(CONTENT_MISMATCH, "payload of " + sample.payload().length + " bytes does not start like a "
                        + type + " image");
            }
            // ignoreMetadata: metadata chunks (e.g. compressed text) are a bomb vector we do not need
            reader.setInput(in, true, true);
            checkSize(reader.getHeight(0), reader.getWidth(0));
            return toHwc(reader.read(0));
        } catch (IOException e) {
            throw reject(endOfInput(e) ? TRUNCATED : CORRUPT, type + " cannot be decoded: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // ImageIO's plugins throw unchecked exceptions on some malformed streams
            throw reject(CORRUPT, type + " cannot be decoded: " + e, e);
        } finally {
            reader.dispose();
        }
    }

    private void checkSize(int height, int width) throws RejectedSampleException {
        if (height <= 0 || width <= 0) {
            throw reject(ZERO_DIMENSION, "image is " + height + "x" + width);
        }
        if ((long) height * width > maxPixels || height > MAX_SIDE || width > MAX_SIDE) {
            throw reject(TOO_LARGE, "image is " + height + "x" + width + " = " + (long) height * width
                    + " pixels; the limit is " + maxPixels + " pixels and " + MAX_SIDE + " per side");
        }
    }

    private static void checkChannels(int channels) throws RejectedSampleException {
        if (channels != 1 && channels != 3) {
            throw reject(BAD_CHANNELS, "raw pixels have " + channels + " channels; 1 (gray) or 3 (RGB) are supported");
        }
    }

    /**
     * Gray images (any bit depth, or a palette of grays) become 1 channel, everything else 3-channel sRGB;
     * alpha is dropped.
     */
    static Image toHwc(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int[] row = new int[w * 3];
        if (cm.getNumColorComponents() == 1) {
            // raw samples: getRGB would pass linear gray through a gamma curve and change the values
            byte[] out = new byte[h * w];
            int max = (1 << cm.getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0, o = y * w; x < w; x++, o++) {
                    out[o] = (byte) (max == 255 ? row[x] : (row[x] * 255L + max / 2) / max);
                }
            }
            return new Image(h, w, 1, out);
        }
        boolean grayPalette = cm instanceof IndexColorModel icm && isGray(icm);
        byte[] out = new byte[h * w * (grayPalette ? 1 : 3)];
        if (!grayPalette && cm instanceof ComponentColorModel && cm.getColorSpace().isCS_sRGB() && cm.getNumComponents() == 3
                && cm.getComponentSize(0) == 8 && cm.getComponentSize(1) == 8 && cm.getComponentSize(2) == 8) {
            // 8-bit RGB (JPEG, PNG truecolour): samples come in R, G, B band order whatever the byte layout
            for (int y = 0; y < h; y++) {
                raster.getPixels(0, y, w, 1, row);
                for (int i = 0, o = y * w * 3; i < w * 3; i++, o++) {
                    out[o] = (byte) row[i];
                }
            }
            return new Image(h, w, 3, out);
        }
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            if (grayPalette) {
                for (int x = 0, o = y * w; x < w; x++, o++) {
                    out[o] = (byte) row[x];
                }
            } else {
                for (int x = 0, o = y * w * 3; x < w; x++, o += 3) {
                    int argb = row[x];
                    out[o] = (byte) (argb >> 16);
                    out[o + 1] = (byte) (argb >> 8);
                    out[o + 2] = (byte) argb;
                }
            }
        }
        return new Image(h, w, grayPalette ? 1 : 3, out);
    }

    /** Low-bit-depth gray PNGs decode to a palette of grays. */
    private static boolean isGray(IndexColorModel icm) {
        for (int i = 0; i < icm.getMapSize(); i++) {
            int r = icm.getRed(i);
            if (r != icm.getGreen(i) || r != icm.getBlue(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean endOfInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return true;
            }
        }
        return false;
    }

    private static RejectedSampleException reject(String reason, String message) {
        return new RejectedSampleException(reason, STAGE_DECODE, message);
    }

    private static RejectedSampleException reject(String reason, String message, Throwable cause) {
        return new RejectedSampleException(reason, STAGE_DECODE, message, cause);
    }
}
