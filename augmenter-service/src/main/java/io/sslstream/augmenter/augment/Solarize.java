package io.sslstream.augmenter.augment;

/**
 * torchvision's {@code RandomSolarize}: every channel value at or above the threshold is inverted,
 * {@code x -> 255 - x}. BYOL's threshold of 0.5 on float images is 128 on uint8.
 */
public final class Solarize {

    /** BYOL's threshold. */
    public static final int DEFAULT_THRESHOLD = 128;

    private Solarize() {
    }

    /** In place, on any number of channels. */
    public static void apply(byte[] pixels, int threshold) {
        if (threshold < 0 || threshold > 256) {
            throw new IllegalArgumentException("solarize threshold must be in 0..256, got " + threshold);
        }
        byte[] map = Scratch.get().byteMap;
        for (int v = 0; v < 256; v++) {
            map[v] = (byte) (v >= threshold ? 255 - v : v);
        }
        ColorJitter.remap(pixels, map);
    }
}
