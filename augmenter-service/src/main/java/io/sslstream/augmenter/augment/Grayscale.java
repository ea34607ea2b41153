package io.sslstream.augmenter.augment;

/**
 * torchvision's {@code RandomGrayscale} on uint8 HWC: every channel of an RGB pixel becomes its ITU-R 601-2 luma
 * {@code 0.2989 R + 0.587 G + 0.114 B}, rounded (torchvision truncates); the view keeps 3 channels. A gray image
 * is already gray: the op leaves it as it is.
 */
public final class Grayscale {

    private Grayscale() {
    }

    /** In place. */
    public static void apply(byte[] pixels, int channels) {
        Checks.channels(channels);
        if (channels == 1) {
            return;
        }
        for (int i = 0; i < pixels.length; i += 3) {
            int l = luma(pixels[i] & 0xFF, pixels[i + 1] & 0xFF, pixels[i + 2] & 0xFF);
            byte v = (byte) l;
            pixels[i] = v;
            pixels[i + 1] = v;
            pixels[i + 2] = v;
        }
    }

    /** The luma in integers: exact for the four-digit weights, and white stays 255 although they sum to 0.9999. */
    static int luma(int r, int g, int b) {
        return (2989 * r + 5870 * g + 1140 * b + 5000) / 10000;
    }
}
