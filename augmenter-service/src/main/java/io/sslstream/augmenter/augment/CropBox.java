package io.sslstream.augmenter.augment;

/**
 * A rectangle inside an image, in pixels.
 *
 * @param top    first row
 * @param left   first column
 * @param height rows, at least 1
 * @param width  columns, at least 1
 */
public record CropBox(int top, int left, int height, int width) {

    public CropBox {
        if (top < 0 || left < 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("bad crop box top=" + top + " left=" + left + " " + height + "x" + width);
        }
    }

    /** The whole of an image of this size. */
    public static CropBox full(int height, int width) {
        return new CropBox(0, 0, height, width);
    }
}
