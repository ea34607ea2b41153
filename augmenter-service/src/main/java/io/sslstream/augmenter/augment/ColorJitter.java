package io.sslstream.augmenter.augment;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Brightness and contrast jitter, in random order, like torchvision's {@code ColorJitter(brightness, contrast)}.
 *
 * <ul>
 *   <li>brightness {@code b}: {@code x * b};</li>
 *   <li>contrast {@code c}: {@code m + c * (x - m)}, {@code m} the mean of the image's grayscale version (for RGB,
 *   the ITU-R 601-2 luma {@code 0.2989 R + 0.587 G + 0.114 B}, as torchvision; each channel is blended with it);</li>
 *   <li>each result is rounded to the nearest integer and clamped to [0, 255] before the next op (torchvision
 *   truncates on uint8 tensors, which darkens; rounding does not).</li>
 * </ul>
 *
 * <p>Both ops map pixel values through a function of the value alone, once the mean is known, and the mean
 * of a mapped image follows from the histogram of the original. So one pass builds a histogram, the two
 * ops are composed into a 256-entry table, and one pass applies it: exactly the result of applying the ops
 * one after the other on uint8 images.
 */
public final class ColorJitter {

    /** Luma weights of torchvision's {@code rgb_to_grayscale}. */
    static final double[] LUMA = {0.2989, 0.587, 0.114};

    /**
     * One draw of the jitter.
     *
     * @param brightness      brightness factor, 1 = unchanged
     * @param contrast        contrast factor, 1 = unchanged
     * @param brightnessFirst whether brightness is applied before contrast
     */
    public record Params(double brightness, double contrast, boolean brightnessFirst) {
    }

    private ColorJitter() {
    }

    /**
     * Draws the order and both factors uniformly in {@code [max(0, 1 - strength), 1 + strength]}, like
     * torchvision's {@code ColorJitter(brightness=strength, contrast=strength).get_params}.
     */
    public static Params sample(double strength, SplittableRandom rnd) {
        boolean brightnessFirst = rnd.nextBoolean();
        double lo = Math.max(0.0, 1.0 - strength);
        double hi = 1.0 + strength;
        double b = RandomResizedCrop.uniform(rnd, lo, hi);
        double c = RandomResizedCrop.uniform(rnd, lo, hi);
        return new Params(b, c, brightnessFirst);
    }

    /** Applies both ops in the drawn order, in place on HWC pixels with 1 or 3 channels. */
    public static void apply(byte[] pixels, int channels, Params p) {
        Scratch s = Scratch.get();
        int[] map = identity(s.valueMap);
        if (p.brightnessFirst()) {
            scale(map, p.brightness());
            blend(map, p.contrast(), grayMean(pixels, channels, map, s));
        } else {
            blend(map, p.contrast(), grayMean(pixels, channels, map, s));
            scale(map, p.brightness());
        }
        remap(pixels, map, s.byteMap);
    }

    /** Brightness alone, in place. */
    public static void brightness(byte[] pixels, double factor) {
        Scratch s = Scratch.get();
        int[] map = identity(s.valueMap);
        scale(map, factor);
        remap(pixels, map, s.byteMap);
    }

    /** Contrast alone, in place. */
    public static void contrast(byte[] pixels, int channels, double factor) {
        Scratch s = Scratch.get();
        int[] map = identity(s.valueMap);
        blend(map, factor, grayMean(pixels, channels, map, s));
        remap(pixels, map, s.byteMap);
    }

    /** Mean gray value of the image after {@code map}: luma-weighted channel means, from per-channel histograms. */
    static double grayMean(byte[] pixels, int channels, int[] map, Scratch s) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("color jitter needs 1 or 3 channels, got " + channels);
        }
        int[] hist = s.histogram;
        Arrays.fill(hist, 0);
        if (channels == 1) {
            for (byte b : pixels) {
                hist[b & 0xFF]++;
            }
        } else {
            for (int i = 0; i < pixels.length; i += 3) {
                hist[pixels[i] & 0xFF]++;
                hist[256 + (pixels[i + 1] & 0xFF)]++;
                hist[512 + (pixels[i + 2] & 0xFF)]++;
            }
        }
        double n = (double) pixels.length / channels;
        if (channels == 1) {
            return weightedSum(hist, 0, map) / n;
        }
        return (LUMA[0] * weightedSum(hist, 0, map) + LUMA[1] * weightedSum(hist, 256, map)
                + LUMA[2] * weightedSum(hist, 512, map)) / n;
    }

    private static double weightedSum(int[] hist, int from, int[] map) {
        long sum = 0;
        for (int v = 0; v < 256; v++) {
            sum += (long) hist[from + v] * map[v];
        }
        return sum;
    }

    private static int[] identity(int[] map) {
        for (int v = 0; v < 256; v++) {
            map[v] = v;
        }
        return map;
    }

    private static void scale(int[] map, double factor) {
        for (int v = 0; v < 256; v++) {
            map[v] = roundClamp(map[v] * factor);
        }
    }

    private static void blend(int[] map, double factor, double mean) {
        for (int v = 0; v < 256; v++) {
            map[v] = roundClamp(mean + factor * (map[v] - mean));
        }
    }

    private static void remap(byte[] pixels, int[] map, byte[] byteMap) {
        for (int v = 0; v < 256; v++) {
            byteMap[v] = (byte) map[v];
        }
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = byteMap[pixels[i] & 0xFF];
        }
    }

    static int roundClamp(double x) {
        if (x <= 0.0) {
            return 0;
        }
        if (x >= 255.0) {
            return 255;
        }
        return (int) (x + 0.5);
    }
}
