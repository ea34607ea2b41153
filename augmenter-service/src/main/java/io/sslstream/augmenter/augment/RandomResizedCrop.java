package io.sslstream.augmenter.augment;

import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomResizedCrop}: a random box of a random area fraction and aspect ratio, resized
 * to the output size with bilinear interpolation ({@code align_corners=False}, no antialiasing, as
 * torchvision does on tensors).
 *
 * <p>Parameters are drawn like torchvision's {@code get_params} (aspect ratio uniform in log space, ten
 * attempts, then a center crop), with {@link StrictMath} so that the same seed gives the same box on every
 * JVM and CPU.
 */
public final class RandomResizedCrop {

    /** torchvision's number of attempts before falling back to a center crop. */
    static final int ATTEMPTS = 10;

    private RandomResizedCrop() {
    }

    /**
     * Draws a crop box of an image of {@code height x width}.
     *
     * @param scaleMin smallest area fraction, in (0, 1]
     * @param scaleMax largest area fraction, at least {@code scaleMin}
     * @param ratioMin smallest width/height ratio, positive
     * @param ratioMax largest width/height ratio, at least {@code ratioMin}
     */
    public static CropBox sample(int height, int width, double scaleMin, double scaleMax,
                                 double ratioMin, double ratioMax, SplittableRandom rnd) {
        double area = (double) height * width;
        double logRatioMin = StrictMath.log(ratioMin);
        double logRatioMax = StrictMath.log(ratioMax);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * uniform(rnd, scaleMin, scaleMax);
            double aspect = StrictMath.exp(uniform(rnd, logRatioMin, logRatioMax));
            // Math.rint rounds half to even, as Python's round() in torchvision does
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int top = rnd.nextInt(height - h + 1);
                int left = rnd.nextInt(width - w + 1);
                return new CropBox(top, left, h, w);
            }
        }
        double inRatio = (double) width / height;
        int w = width;
        int h = height;
        if (inRatio < ratioMin) {
            h = Math.max(1, (int) Math.rint(width / ratioMin));
        } else if (inRatio > ratioMax) {
            w = Math.max(1, (int) Math.rint(height * ratioMax));
        }
        return new CropBox((height - h) / 2, (width - w) / 2, h, w);
    }

    /** How the resize interpolates; both are bilinear with PyTorch's source coordinates. */
    public enum Interpolation {
        /**
         * float32 arithmetic, term for term PyTorch's {@code upsample_bilinear2d}, each result rounded: the
         * interpolation of {@code simclr} version 1, kept so that its published views stay byte-identical.
         */
        FLOAT32,
        /**
         * Integer arithmetic with weights in {@value #WEIGHT_BITS}-bit fixed point (as OpenCV's and Pillow's): within
         * one gray level of {@link #FLOAT32} and, on the resize alone, about 1.2 times as fast at 96x96 RGB (a check on
         * a busy 2-core machine; over a whole {@code simclr} view set the two cost about the same).
         */
        FIXED_POINT
    }

    /** Fraction bits of a {@link Interpolation#FIXED_POINT} weight. */
    public static final int WEIGHT_BITS = 11;
    private static final int ONE = 1 << WEIGHT_BITS;
    /** A vertical sum carries {@code 2 * WEIGHT_BITS} fraction bits; adding half of one unit rounds to nearest. */
    private static final int SHIFT = 2 * WEIGHT_BITS;
    private static final int HALF = 1 << (SHIFT - 1);

    /**
     * Resizes {@code box} of {@code src} to {@code outH x outW} into {@code dst}, mirrored left-right if
     * {@code mirror} (a horizontal flip fused into the resize, at no cost), with {@link Interpolation#FLOAT32}.
     */
    public static void resize(Image src, CropBox box, boolean mirror, byte[] dst, int outH, int outW) {
        resize(src, box, mirror, dst, outH, outW, Interpolation.FLOAT32, null);
    }

    /**
     * Resizes {@code box} of {@code src} to {@code outH x outW} into {@code dst}, mirrored left-right if
     * {@code mirror}.
     *
     * <p>Bilinear with half-pixel centres and edge clamping, as PyTorch's {@code upsample_bilinear2d} with
     * {@code align_corners=False} and no antialiasing; results are rounded to the nearest integer.
     *
     * @param histogram if not null, {@code 256 * channels} counters, cleared here and filled with the histogram of
     *                  each channel of the output (channel {@code c} at {@code [256 c, 256 c + 256)}), counted while
     *                  the pixels are written: the contrast jitter needs it and saves a pass over the view
     */
    public static void resize(Image src, CropBox box, boolean mirror, byte[] dst, int outH, int outW,
                              Interpolation interpolation, int[] histogram) {
        int c = src.channels();
        if (box.top() + box.height() > src.height() || box.left() + box.width() > src.width()) {
            throw new IllegalArgumentException(box + " does not fit in a " + src.height() + "x" + src.width() + " image");
        }
        if (outH <= 0 || outW <= 0 || dst.length != outH * outW * c) {
            throw new IllegalArgumentException("output " + outH + "x" + outW + "x" + c + " needs " + (long) outH * outW * c
                    + " bytes, got " + dst.length);
        }
        if (histogram != null) {
            java.util.Arrays.fill(histogram, 0, 256 * c, 0);
        }
        Scratch s = Scratch.get();
        s.ensureColumns(outW);
        s.ensureRows(outH);
        s.ensureLines(outW * c);
        sourceTaps(box.width(), outW, box.left(), c, mirror, s.col0, s.col1, s.colW);
        sourceTaps(box.height(), outH, box.top(), src.width() * c, false, s.row0, s.row1, s.rowW);
        if (interpolation == Interpolation.FIXED_POINT) {
            fixedWeights(s.colW, s.colWi, outW);
            fixedWeights(s.rowW, s.rowWi, outH);
            resizeFixed(src.pixels(), c, s, dst, outH, outW, histogram);
        } else {
            resizeFloat(src.pixels(), c, s, dst, outH, outW, histogram);
        }
    }

    /**
     * Separable: each source row is interpolated horizontally once and kept while output rows still need it; the
     * arithmetic is PyTorch's {@code h0 * (w0 * p00 + w1 * p01) + h1 * (w0 * p10 + w1 * p11)}, term for term.
     */
    private static void resizeFloat(byte[] p, int c, Scratch s, byte[] dst, int outH, int outW, int[] histogram) {
        int n = outW * c;
        float[] upper = s.lineA;
        float[] lower = s.lineB;
        int upperRow = -1;
        int lowerRow = -1;
        int o = 0;
        for (int y = 0; y < outH; y++) {
            int r0 = s.row0[y];
            int r1 = s.row1[y];
            if (upperRow != r0) {
                if (lowerRow == r0) {
                    float[] t = upper;
                    upper = lower;
                    lower = t;
                    lowerRow = upperRow;
                } else {
                    horizontal(p, r0, c, outW, s.col0, s.col1, s.colW, upper);
                }
                upperRow = r0;
            }
            float[] second = upper;
            if (r1 != r0) {
                if (lowerRow != r1) {
                    horizontal(p, r1, c, outW, s.col0, s.col1, s.colW, lower);
                    lowerRow = r1;
                }
                second = lower;
            }
            float wy1 = s.rowW[y];
            float wy0 = 1f - wy1;
            if (histogram == null) {
                for (int i = 0; i < n; i++) {
                    dst[o++] = (byte) (int) (wy0 * upper[i] + wy1 * second[i] + 0.5f);
                }
            } else if (c == 1) {
                for (int i = 0; i < n; i++) {
                    int v = (int) (wy0 * upper[i] + wy1 * second[i] + 0.5f);
                    dst[o++] = (byte) v;
                    histogram[v]++;
                }
            } else {
                for (int i = 0; i < n; i += 3) {
                    int r = (int) (wy0 * upper[i] + wy1 * second[i] + 0.5f);
                    int g = (int) (wy0 * upper[i + 1] + wy1 * second[i + 1] + 0.5f);
                    int b = (int) (wy0 * upper[i + 2] + wy1 * second[i + 2] + 0.5f);
                    dst[o] = (byte) r;
                    dst[o + 1] = (byte) g;
                    dst[o + 2] = (byte) b;
                    o += 3;
                    histogram[r]++;
                    histogram[256 + g]++;
                    histogram[512 + b]++;
                }
            }
        }
    }

    /** One source row (starting at array offset {@code row}) interpolated at the output columns. */
    private static void horizontal(byte[] p, int row, int c, int outW, int[] col0, int[] col1, float[] colW, float[] line) {
        if (c == 1) {
            for (int x = 0; x < outW; x++) {
                float w1 = colW[x];
                line[x] = (1f - w1) * (p[row + col0[x]] & 0xFF) + w1 * (p[row + col1[x]] & 0xFF);
            }
        } else {
            for (int x = 0, k = 0; x < outW; x++, k += 3) {
                float w1 = colW[x];
                float w0 = 1f - w1;
                int a = row + col0[x];
                int b = row + col1[x];
                line[k] = w0 * (p[a] & 0xFF) + w1 * (p[b] & 0xFF);
                line[k + 1] = w0 * (p[a + 1] & 0xFF) + w1 * (p[b + 1] & 0xFF);
                line[k + 2] = w0 * (p[a + 2] & 0xFF) + w1 * (p[b + 2] & 0xFF);
            }
        }
    }

    /**
     * The same separable scheme in integers: a horizontal value is {@code (ONE - w1) a + w1 b} (at most
     * {@code 255 * 2^11}), a vertical sum {@code (ONE - h1) u + h1 l} (at most {@code 255 * 2^22}, well inside an int),
     * rounded by adding half a unit and shifting.
     */
    private static void resizeFixed(byte[] p, int c, Scratch s, byte[] dst, int outH, int outW, int[] histogram) {
        int n = outW * c;
        int[] upper = s.lineIA;
        int[] lower = s.lineIB;
        int upperRow = -1;
        int lowerRow = -1;
        int o = 0;
        for (int y = 0; y < outH; y++) {
            int r0 = s.row0[y];
            int r1 = s.row1[y];
            if (upperRow != r0) {
                if (lowerRow == r0) {
                    int[] t = upper;
                    upper = lower;
                    lower = t;
                    lowerRow = upperRow;
                } else {
                    horizontalFixed(p, r0, c, outW, s.col0, s.col1, s.colWi, upper);
                }
                upperRow = r0;
            }
            int[] second = upper;
            if (r1 != r0) {
                if (lowerRow != r1) {
                    horizontalFixed(p, r1, c, outW, s.col0, s.col1, s.colWi, lower);
                    lowerRow = r1;
                }
                second = lower;
            }
            int h1 = s.rowWi[y];
            int h0 = ONE - h1;
            // an int-only loop, which the JIT vectorises, then the narrowing (and counting) one: together about three
            // times faster than one loop that mixes int arithmetic with byte stores
            int[] v = s.lineIC;
            for (int i = 0; i < n; i++) {
                v[i] = (h0 * upper[i] + h1 * second[i] + HALF) >>> SHIFT;
            }
            if (histogram == null) {
                for (int i = 0; i < n; i++) {
                    dst[o + i] = (byte) v[i];
                }
            } else if (c == 1) {
                for (int i = 0; i < n; i++) {
                    dst[o + i] = (byte) v[i];
                    histogram[v[i]]++;
                }
            } else {
                for (int i = 0; i < n; i += 3) {
                    int r = v[i];
                    int g = v[i + 1];
                    int b = v[i + 2];
                    dst[o + i] = (byte) r;
                    dst[o + i + 1] = (byte) g;
                    dst[o + i + 2] = (byte) b;
                    histogram[r]++;
                    histogram[256 + g]++;
                    histogram[512 + b]++;
                }
            }
            o += n;
        }
    }

    private static void horizontalFixed(byte[] p, int row, int c, int outW, int[] col0, int[] col1, int[] colW, int[] line) {
        if (c == 1) {
            for (int x = 0; x < outW; x++) {
                int w1 = colW[x];
                line[x] = (ONE - w1) * (p[row + col0[x]] & 0xFF) + w1 * (p[row + col1[x]] & 0xFF);
            }
        } else {
            for (int x = 0, k = 0; x < outW; x++, k += 3) {
                int w1 = colW[x];
                int w0 = ONE - w1;
                int a = row + col0[x];
                int b = row + col1[x];
                line[k] = w0 * (p[a] & 0xFF) + w1 * (p[b] & 0xFF);
                line[k + 1] = w0 * (p[a + 1] & 0xFF) + w1 * (p[b + 1] & 0xFF);
                line[k + 2] = w0 * (p[a + 2] & 0xFF) + w1 * (p[b + 2] & 0xFF);
            }
        }
    }

    /** The float weights of the second taps rounded to {@value #WEIGHT_BITS}-bit fixed point. */
    private static void fixedWeights(float[] w, int[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = (int) (w[i] * ONE + 0.5f);
        }
    }

    /** Returns a new image: {@code box} of {@code src} resized to {@code outH x outW}. */
    public static Image resize(Image src, CropBox box, boolean mirror, int outH, int outW) {
        return resize(src, box, mirror, outH, outW, Interpolation.FLOAT32);
    }

    /** Returns a new image: {@code box} of {@code src} resized to {@code outH x outW}. */
    public static Image resize(Image src, CropBox box, boolean mirror, int outH, int outW, Interpolation interpolation) {
        byte[] dst = new byte[outH * outW * src.channels()];
        resize(src, box, mirror, dst, outH, outW, interpolation, null);
        return new Image(outH, outW, src.channels(), dst);
    }

    /**
     * For each output index along one axis: the array offsets of its two source taps and the weight of the
     * second, following PyTorch's {@code area_pixel_compute_source_index} for {@code align_corners=False}.
     */
    private static void sourceTaps(int inSize, int outSize, int start, int stride, boolean reverse,
                                   int[] tap0, int[] tap1, float[] weight1) {
        float scale = (float) inSize / outSize;
        for (int i = 0; i < outSize; i++) {
            float src = scale * (i + 0.5f) - 0.5f;
            if (src < 0f) {
                src = 0f;
            }
            int i0 = (int) src;
            int i1 = i0 < inSize - 1 ? i0 + 1 : i0;
            int at = reverse ? outSize - 1 - i : i;
            tap0[at] = (start + i0) * stride;
            tap1[at] = (start + i1) * stride;
            weight1[at] = src - i0;
        }
    }

    /** {@code lo + (hi - lo) * u}, like torch's {@code uniform_}; always consumes one draw. */
    static double uniform(SplittableRandom rnd, double lo, double hi) {
        return lo + (hi - lo) * rnd.nextDouble();
    }
}
