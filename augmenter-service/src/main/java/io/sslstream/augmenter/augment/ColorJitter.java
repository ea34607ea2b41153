package io.sslstream.augmenter.augment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * torchvision's {@code ColorJitter(brightness, contrast, saturation, hue)} on uint8 HWC images: the enabled ops
 * in a random order, each with a random factor.
 *
 * <ul>
 *   <li>brightness {@code b}: {@code x * b};</li>
 *   <li>contrast {@code c}: {@code m + c * (x - m)}, {@code m} the mean of the image's grayscale version (for RGB,
 *   the ITU-R 601-2 luma {@code 0.2989 R + 0.587 G + 0.114 B}, as torchvision; each channel is blended with it);</li>
 *   <li>saturation {@code s} (RGB only): {@code g + s * (x - g)}, {@code g} the pixel's own luma;</li>
 *   <li>hue {@code h} (RGB only): the pixel's hue turned by {@code h} of a full turn in HSV, value and HSV
 *   saturation kept;</li>
 *   <li>each result is rounded to the nearest integer and clamped to [0, 255] before the next op (torchvision
 *   truncates on uint8 tensors, which darkens; rounding does not).</li>
 * </ul>
 * A gray image has no saturation or hue: those ops leave it as it is (their random draws still happen, so that a
 * gray image and an RGB one draw the same crops from the same seed).
 *
 * <p>Brightness and contrast map pixel values through a function of the value alone, once the mean is known,
 * and the mean of a mapped image follows from the histogram of the original. So consecutive brightness and
 * contrast ops are composed into one 256-entry table, applied in one pass (or folded into the next per-pixel
 * saturation or hue pass): exactly the result of applying the ops one after the other.
 */
public final class ColorJitter {

    /** Luma weights of torchvision's {@code rgb_to_grayscale}. */
    static final double[] LUMA = {0.2989, 0.587, 0.114};
    private static final float LUMA_R = 0.2989f;
    private static final float LUMA_G = 0.587f;
    private static final float LUMA_B = 0.114f;

    /** The four ops, in their canonical order (the order in which their factors are drawn). */
    public enum Op { BRIGHTNESS, CONTRAST, SATURATION, HUE }

    /**
     * The strengths of the jitter, as torchvision's arguments.
     *
     * @param probability probability of applying the jitter at all ({@code RandomApply})
     * @param brightness  brightness factor drawn in {@code [max(0, 1 - b), 1 + b]}; 0 disables the op
     * @param contrast    contrast factor drawn in {@code [max(0, 1 - c), 1 + c]}; 0 disables the op
     * @param saturation  saturation factor drawn in {@code [max(0, 1 - s), 1 + s]}; 0 disables the op
     * @param hue         hue shift drawn in {@code [-h, h]} of a full turn, {@code h <= 0.5}; 0 disables the op
     */
    public record Strength(double probability, double brightness, double contrast, double saturation, double hue) {

        /** No jitter. */
        public static final Strength NONE = new Strength(0, 0, 0, 0, 0);

        public Strength {
            Checks.probability("jitter probability", probability);
            Checks.require(brightness >= 0 && Double.isFinite(brightness), "brightness must be >= 0", brightness);
            Checks.require(contrast >= 0 && Double.isFinite(contrast), "contrast must be >= 0", contrast);
            Checks.require(saturation >= 0 && Double.isFinite(saturation), "saturation must be >= 0", saturation);
            Checks.require(hue >= 0 && hue <= 0.5, "hue must be in [0, 0.5]", hue);
        }

        /** Whether the jitter can change anything (and so draws anything). */
        public boolean enabled() {
            return probability > 0 && (brightness > 0 || contrast > 0 || saturation > 0 || hue > 0);
        }

        /** The ops with a non-zero strength, in canonical order. */
        List<Op> ops() {
            List<Op> ops = new ArrayList<>(4);
            if (brightness > 0) {
                ops.add(Op.BRIGHTNESS);
            }
            if (contrast > 0) {
                ops.add(Op.CONTRAST);
            }
            if (saturation > 0) {
                ops.add(Op.SATURATION);
            }
            if (hue > 0) {
                ops.add(Op.HUE);
            }
            return ops;
        }
    }

    /**
     * One draw of the jitter: the order of the enabled ops and their factors (1, or 0 for hue, when disabled).
     *
     * @param order      the ops to apply, in this order
     * @param brightness brightness factor, 1 = unchanged
     * @param contrast   contrast factor, 1 = unchanged
     * @param saturation saturation factor, 1 = unchanged, 0 = gray
     * @param hue        hue shift in turns, 0 = unchanged
     */
    public record Params(List<Op> order, double brightness, double contrast, double saturation, double hue) {

        public Params {
            order = List.copyOf(order);
        }

        /** Brightness and contrast only, in the given order. */
        public static Params brightnessContrast(double brightness, double contrast, boolean brightnessFirst) {
            return new Params(brightnessFirst ? List.of(Op.BRIGHTNESS, Op.CONTRAST) : List.of(Op.CONTRAST, Op.BRIGHTNESS),
                    brightness, contrast, 1, 0);
        }
    }

    private ColorJitter() {
    }

    /**
     * Draws the order and factors like torchvision's {@code ColorJitter.get_params}: a uniformly random
     * permutation of the enabled ops, then a factor for each enabled op in canonical order.
     *
     * <p>The permutation is a Fisher-Yates shuffle whose last step (swap or not) is one
     * {@code nextBoolean()}: with brightness and contrast alone that is exactly the draw of {@code simclr}
     * version 1, whose published bytes must not change.
     */
    public static Params sample(Strength strength, SplittableRandom rnd) {
        Op[] order = strength.ops().toArray(new Op[0]);
        for (int i = order.length - 1; i >= 1; i--) {
            int j = i == 1 ? (rnd.nextBoolean() ? 1 : 0) : rnd.nextInt(i + 1);
            Op t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double b = strength.brightness() > 0 ? factor(strength.brightness(), rnd) : 1;
        double c = strength.contrast() > 0 ? factor(strength.contrast(), rnd) : 1;
        double s = strength.saturation() > 0 ? factor(strength.saturation(), rnd) : 1;
        double h = strength.hue() > 0 ? RandomResizedCrop.uniform(rnd, -strength.hue(), strength.hue()) : 0;
        return new Params(Arrays.asList(order), b, c, s, h);
    }

    /** Brightness and contrast only: {@code ColorJitter(brightness=strength, contrast=strength)}. */
    public static Params sample(double strength, SplittableRandom rnd) {
        return sample(new Strength(1, strength, strength, 0, 0), rnd);
    }

    private static double factor(double strength, SplittableRandom rnd) {
        return RandomResizedCrop.uniform(rnd, Math.max(0.0, 1.0 - strength), 1.0 + strength);
    }

    /** Applies the ops in the drawn order, in place on HWC pixels with 1 or 3 channels. */
    public static void apply(byte[] pixels, int channels, Params p) {
        apply(pixels, channels, p, null);
    }

    /**
     * Applies the ops in the drawn order, in place on HWC pixels with 1 or 3 channels.
     *
     * @param histogram the per-channel histogram of {@code pixels} as they are now ({@code 256 * channels} counts,
     *                  e.g. filled by the resize that wrote them), or null to count it here when contrast needs it
     */
    public static void apply(byte[] pixels, int channels, Params p, int[] histogram) {
        Checks.channels(channels);
        Scratch s = Scratch.get();
        int[] map = identity(s.valueMap);
        int[] hist = histogram;
        boolean pending = false;
        for (Op op : p.order()) {
            switch (op) {
                case BRIGHTNESS -> {
                    scale(map, p.brightness());
                    pending = true;
                }
                case CONTRAST -> {
                    if (hist == null) {
                        hist = histogram(pixels, channels, s.histogram);
                    }
                    blend(map, p.contrast(), grayMean(hist, pixels.length / channels, channels, map));
                    pending = true;
                }
                case SATURATION, HUE -> {
                    if (channels == 3) {
                        // the pending table is applied on the way in: one pass over the pixels instead of two
                        byte[] pre = toBytes(map, s.byteMap);
                        if (op == Op.SATURATION) {
                            saturate(pixels, pre, p.saturation());
                        } else {
                            shiftHue(pixels, pre, p.hue());
                        }
                        identity(map);
                        pending = false;
                        hist = null; // the pixels changed: a later contrast counts them again
                    }
                }
            }
        }
        if (pending) {
            remap(pixels, toBytes(map, s.byteMap));
        }
    }

    /**
     * Whether {@link #apply} with these parameters would count the histogram of the pixels it is given: then the
     * resize that makes them can count it on the way ({@code RandomResizedCrop.resize(..., histogram)}).
     */
    static boolean usesInputHistogram(Params p, int channels) {
        for (Op op : p.order()) {
            if (op == Op.CONTRAST) {
                return true;
            }
            if (channels == 3 && (op == Op.SATURATION || op == Op.HUE)) {
                return false;
            }
        }
        return false;
    }

    /** Brightness alone, in place. */
    public static void brightness(byte[] pixels, double factor) {
        Scratch s = Scratch.get();
        int[] map = identity(s.valueMap);
        scale(map, factor);
        remap(pixels, toBytes(map, s.byteMap));
    }

    /** Contrast alone, in place. */
    public static void contrast(byte[] pixels, int channels, double factor) {
        Checks.channels(channels);
        Scratch s = Scratch.get();
        int[] map = identity(s.valueMap);
        blend(map, factor, grayMean(histogram(pixels, channels, s.histogram), pixels.length / channels, channels, map));
        remap(pixels, toBytes(map, s.byteMap));
    }

    /** Saturation alone, in place; gray images are left as they are. */
    public static void saturation(byte[] pixels, int channels, double factor) {
        Checks.channels(channels);
        if (channels == 3) {
            saturate(pixels, identityBytes(), factor);
        }
    }

    /** Hue alone, in place; gray images are left as they are. */
    public static void hue(byte[] pixels, int channels, double shift) {
        Checks.channels(channels);
        if (channels == 3) {
            shiftHue(pixels, identityBytes(), shift);
        }
    }

    /** Per-channel histograms of HWC pixels into {@code hist}, channel {@code c} at {@code [256 c, 256 c + 256)}. */
    static int[] histogram(byte[] pixels, int channels, int[] hist) {
        Arrays.fill(hist, 0, 256 * channels, 0);
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
        return hist;
    }

    /**
     * Mean gray value of the image of {@code n} pixels whose histogram is {@code hist}, after {@code map}:
     * luma-weighted channel means.
     */
    static double grayMean(int[] hist, int n, int channels, int[] map) {
        if (channels == 1) {
            return weightedSum(hist, 0, map) / (double) n;
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

    /** {@code g + s (x - g)} per channel, {@code g} the pixel's luma (after {@code pre}). */
    private static void saturate(byte[] px, byte[] pre, double factor) {
        float s = (float) factor;
        for (int i = 0; i < px.length; i += 3) {
            int r = pre[px[i] & 0xFF] & 0xFF;
            int g = pre[px[i + 1] & 0xFF] & 0xFF;
            int b = pre[px[i + 2] & 0xFF] & 0xFF;
            float gray = LUMA_R * r + LUMA_G * g + LUMA_B * b;
            px[i] = (byte) roundClamp(gray + s * (r - gray));
            px[i + 1] = (byte) roundClamp(gray + s * (g - gray));
            px[i + 2] = (byte) roundClamp(gray + s * (b - gray));
        }
    }

    /**
     * Turns each pixel's HSV hue by {@code shift} turns (after {@code pre}), as torchvision's
     * {@code _rgb2hsv}/{@code _hsv2rgb}: with {@code v} the largest channel, {@code m} the smallest and
     * {@code C = v - m}, the hue in sixths is {@code (g - b) / C} (red largest), {@code 2 + (b - r) / C} (green) or
     * {@code 4 + (r - g) / C} (blue); the turned hue picks which channel is {@code v}, which is {@code m} and sets the
     * third to {@code m + C f} or {@code v - C f}. Gray pixels ({@code C = 0}) have no hue and stay.
     */
    private static void shiftHue(byte[] px, byte[] pre, double shift) {
        float turn = (float) (shift * 6.0);
        for (int i = 0; i < px.length; i += 3) {
            int r = pre[px[i] & 0xFF] & 0xFF;
            int g = pre[px[i + 1] & 0xFF] & 0xFF;
            int b = pre[px[i + 2] & 0xFF] & 0xFF;
            int v = Math.max(r, Math.max(g, b));
            int m = Math.min(r, Math.min(g, b));
            int chroma = v - m;
            if (chroma == 0) {
                px[i] = (byte) r;
                px[i + 1] = (byte) g;
                px[i + 2] = (byte) b;
                continue;
            }
            float c = chroma;
            float h;
            if (v == r) {
                h = (g - b) / c;
            } else if (v == g) {
                h = 2f + (b - r) / c;
            } else {
                h = 4f + (r - g) / c;
            }
            h += turn;
            // into [0, 6): h is within [-4, 8] here, so two steps suffice
            if (h < 0f) {
                h += 6f;
                if (h < 0f) {
                    h += 6f;
                }
            } else if (h >= 6f) {
                h -= 6f;
                if (h >= 6f) {
                    h -= 6f;
                }
            }
            int sector = (int) h;
            if (sector > 5) {
                sector = 5; // h just below 6 rounded up by float arithmetic
            }
            float f = h - sector;
            int up = roundClamp(m + c * f);
            int down = roundClamp(v - c * f);
            int nr;
            int ng;
            int nb;
            switch (sector) {
                case 0 -> {
                    nr = v;
                    ng = up;
                    nb = m;
                }
                case 1 -> {
                    nr = down;
                    ng = v;
                    nb = m;
                }
                case 2 -> {
                    nr = m;
                    ng = v;
                    nb = up;
                }
                case 3 -> {
                    nr = m;
                    ng = down;
                    nb = v;
                }
                case 4 -> {
                    nr = up;
                    ng = m;
                    nb = v;
                }
                default -> {
                    nr = v;
                    ng = m;
                    nb = down;
                }
            }
            px[i] = (byte) nr;
            px[i + 1] = (byte) ng;
            px[i + 2] = (byte) nb;
        }
    }

    private static int[] identity(int[] map) {
        for (int v = 0; v < 256; v++) {
            map[v] = v;
        }
        return map;
    }

    private static byte[] identityBytes() {
        byte[] b = Scratch.get().byteMap;
        for (int v = 0; v < 256; v++) {
            b[v] = (byte) v;
        }
        return b;
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

    private static byte[] toBytes(int[] map, byte[] byteMap) {
        for (int v = 0; v < 256; v++) {
            byteMap[v] = (byte) map[v];
        }
        return byteMap;
    }

    static void remap(byte[] pixels, byte[] byteMap) {
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

    static int roundClamp(float x) {
        if (x <= 0f) {
            return 0;
        }
        if (x >= 255f) {
            return 255;
        }
        return (int) (x + 0.5f);
    }
}
