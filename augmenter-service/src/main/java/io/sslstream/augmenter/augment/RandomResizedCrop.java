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

    /**
     * Resizes {@code box} of {@code src} to {@code outH x outW} into {@code dst}, mirrored left-right if
     * {@code mirror} (a horizontal flip fused into the resize, at no cost).
     *
     * <p>Bilinear with half-pixel centres and edge clamping, in float32 like PyTorch's
     * {@code upsample_bilinear2d}; results are rounded to the nearest integer.
     */
    public static void resize(Image src, CropBox box, boolean mirror, byte[] dst, int outH, int outW) {
        int c = src.channels();
        if (box.top() + box.height() > src.height() || box.left() + box.width() > src.width()) {
            throw new IllegalArgumentException(box + " does not fit in a " + src.height() + "x" + src.width() + " image");
        }
        if (outH <= 0 || outW <= 0 || dst.length != outH * outW * c) {
            throw new IllegalArgumentException("output " + outH + "x" + outW + "x" + c + " needs " + (long) outH * outW * c
                    + " bytes, got " + dst.length);
        }
        Scratch s = Scratch.get();
        s.ensureColumns(outW);
        s.ensureRows(outH);
        int[] col0 = s.col0;
        int[] col1 = s.col1;
        float[] colW = s.colW;
        int[] row0 = s.row0;
        int[] row1 = s.row1;
        float[] rowW = s.rowW;
        sourceTaps(box.width(), outW, box.left(), c, mirror, col0, col1, colW);
        sourceTaps(box.height(), outH, box.top(), src.width() * c, false, row0, row1, rowW);

        // separable: each source row is interpolated horizontally once and kept while output rows still need it;
        // the arithmetic is PyTorch's h0 * (w0 * p00 + w1 * p01) + h1 * (w0 * p10 + w1 * p11), term for term
        int n = outW * c;
        s.ensureLines(n);
        float[] upper = s.lineA;
        float[] lower = s.lineB;
        int upperRow = -1;
        int lowerRow = -1;
        byte[] p = src.pixels();
        int o = 0;
        for (int y = 0; y < outH; y++) {
            int r0 = row0[y];
            int r1 = row1[y];
            if (upperRow != r0) {
                if (lowerRow == r0) {
                    float[] t = upper;
                    upper = lower;
                    lower = t;
                    lowerRow = upperRow;
                } else {
                    horizontal(p, r0, c, outW, col0, col1, colW, upper);
                }
                upperRow = r0;
            }
            float[] second = upper;
            if (r1 != r0) {
                if (lowerRow != r1) {
                    horizontal(p, r1, c, outW, col0, col1, colW, lower);
                    lowerRow = r1;
                }
                second = lower;
            }
            float wy1 = rowW[y];
            float wy0 = 1f - wy1;
            for (int i = 0; i < n; i++) {
                dst[o++] = (byte) (int) (wy0 * upper[i] + wy1 * second[i] + 0.5f);
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

    /** Returns a new image: {@code box} of {@code src} resized to {@code outH x outW}. */
    public static Image resize(Image src, CropBox box, boolean mirror, int outH, int outW) {
        byte[] dst = new byte[outH * outW * src.channels()];
        resize(src, box, mirror, dst, outH, outW);
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
