package io.sslstream.augmenter.augment;

/**
 * Left-right mirror of an HWC image. Recipes that crop first get the flip for free from
 * {@link RandomResizedCrop#resize(Image, CropBox, boolean, byte[], int, int)}; this op is for the others.
 */
public final class HorizontalFlip {

    private HorizontalFlip() {
    }

    /** Writes the mirror of {@code src} into {@code dst}, which must have the same size and not be {@code src}. */
    public static void apply(Image src, byte[] dst) {
        byte[] p = src.pixels();
        if (dst.length != p.length || dst == p) {
            throw new IllegalArgumentException("flip needs a distinct output of " + p.length + " bytes");
        }
        int w = src.width();
        int rowBytes = w * src.channels();
        for (int row = 0; row < p.length; row += rowBytes) {
            if (src.channels() == 1) {
                for (int x = 0, m = row + w - 1; x < w; x++, m--) {
                    dst[row + x] = p[m];
                }
            } else {
                for (int o = row, m = row + rowBytes - 3; o < row + rowBytes; o += 3, m -= 3) {
                    dst[o] = p[m];
                    dst[o + 1] = p[m + 1];
                    dst[o + 2] = p[m + 2];
                }
            }
        }
    }

    /** A new image: the mirror of {@code src}. */
    public static Image apply(Image src) {
        byte[] dst = new byte[src.pixels().length];
        apply(src, dst);
        return new Image(src.height(), src.width(), src.channels(), dst);
    }
}
