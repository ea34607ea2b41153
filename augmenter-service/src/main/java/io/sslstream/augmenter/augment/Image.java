package io.sslstream.augmenter.augment;

import java.util.Arrays;

/**
 * An 8-bit image, row-major HWC, gray (1 channel) or RGB (3 channels).
 *
 * <p>The record wraps its array without copying, for speed: the ops only read their input image and write
 * into arrays their caller owns.
 *
 * @param height   rows, at least 1
 * @param width    columns, at least 1
 * @param channels 1 or 3
 * @param pixels   exactly {@code height * width * channels} bytes
 */
public record Image(int height, int width, int channels, byte[] pixels) {

    public Image {
        if (height <= 0 || width <= 0 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException("bad image shape " + height + "x" + width + "x" + channels);
        }
        if ((long) height * width * channels != pixels.length) {
            throw new IllegalArgumentException("image has " + pixels.length + " bytes, shape " + height + "x" + width
                    + "x" + channels + " needs " + (long) height * width * channels);
        }
    }

    /** A gray image from unsigned values 0..255, row-major; handy for tests and small examples. */
    public static Image gray(int height, int width, int... values) {
        return new Image(height, width, 1, toBytes(values));
    }

    /** An RGB image from unsigned values 0..255, row-major HWC. */
    public static Image rgb(int height, int width, int... values) {
        return new Image(height, width, 3, toBytes(values));
    }

    /** The unsigned value of channel {@code c} at row {@code y}, column {@code x}. */
    public int at(int y, int x, int c) {
        return pixels[(y * width + x) * channels + c] & 0xFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Image i && height == i.height && width == i.width && channels == i.channels
                && Arrays.equals(pixels, i.pixels);
    }

    @Override
    public int hashCode() {
        return ((height * 31 + width) * 31 + channels) * 31 + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "Image[" + height + "x" + width + "x" + channels + (pixels.length <= 48 ? " " + Arrays.toString(pixels) : "") + "]";
    }

    private static byte[] toBytes(int[] values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] > 255) {
                throw new IllegalArgumentException("pixel value out of 0..255: " + values[i]);
            }
            b[i] = (byte) values[i];
        }
        return b;
    }
}
