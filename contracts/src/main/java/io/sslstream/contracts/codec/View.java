package io.sslstream.contracts.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * One augmented view: uint8 pixels, row-major HWC.
 *
 * @param height   pixels
 * @param width    pixels
 * @param channels 1 or 3
 * @param pixels   exactly height*width*channels bytes
 */
public record View(int height, int width, int channels, byte[] pixels) {

    public View {
        Objects.requireNonNull(pixels, "pixels");
        if (height <= 0 || width <= 0 || height > 0xFFFF || width > 0xFFFF || channels <= 0 || channels > 255) {
            throw new IllegalArgumentException("bad view shape " + height + "x" + width + "x" + channels);
        }
        if ((long) height * width * channels != pixels.length) {
            throw new IllegalArgumentException("view has " + pixels.length + " bytes, shape " + height + "x" + width + "x"
                    + channels + " needs " + (long) height * width * channels);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof View v && height == v.height && width == v.width && channels == v.channels
                && Arrays.equals(pixels, v.pixels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(height, width, channels) * 31 + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "View[" + height + "x" + width + "x" + channels + "]";
    }
}
