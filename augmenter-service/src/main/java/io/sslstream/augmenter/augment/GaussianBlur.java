package io.sslstream.augmenter.augment;

import java.util.Arrays;

/**
 * torchvision's {@code GaussianBlur(kernel_size, sigma)} on uint8 HWC images: a separable Gaussian of
 * {@code kernelSize} taps ({@code exp(-x^2 / 2 sigma^2)} at {@code x = -k/2 .. k/2}, normalised), reflect padding
 * ({@code dcb|abcd|cba}), computed in float32 and rounded once at the end, like torchvision on tensors.
 *
 * <p>Rows are blurred horizontally into a ring of {@code kernelSize} float rows, each once, and the vertical pass
 * combines the ring: the work arrays hold a few rows, never a whole image. Both passes run tap by tap over a whole
 * row, four taps per pass ({@link #taps}), loops the JIT turns into SIMD instructions, and add the taps in the same
 * order as a per-pixel sum would, so the result does not depend on the loop order.
 *
 * <p>{@link Arithmetic#FIXED_POINT} computes the same blur in integers, several times faster (see there).
 */
public final class GaussianBlur {

    /** How the blur computes. */
    public enum Arithmetic {
        /**
         * float32, every tap, added in torchvision's order: the arithmetic of {@code byol} version 1, whose views are
         * pinned by a test.
         */
        FLOAT32,
        /**
         * Integers: the kernel in {@value #KERNEL_BITS}-bit fixed point, made to sum to exactly one (so a flat image
         * stays flat); the taps whose weight rounds to 0 are left out (most of BYOL's 23 taps at the usual sigmas: all
         * but 1 at sigma 0.1, all but 17 at sigma 2), and the two taps at the same distance from the centre are added
         * before their one multiplication. Integer sums do not depend on their order, so both are exact: the result is
         * the plain sum over all the fixed-point taps. Within one level of {@link #FLOAT32}: a weight differs from its
         * float by at most 2<sup>-15</sup> (the centre, which takes the rounding of the sum, by a few 2<sup>-14</sup>),
         * so at most 23 taps in two passes move a value by less than half a level before the one rounding; a test
         * checks it on random images and sigmas.
         */
        FIXED_POINT
    }

    /** Fraction bits of a {@link Arithmetic#FIXED_POINT} weight. */
    public static final int KERNEL_BITS = 14;
    private static final int KERNEL_ONE = 1 << KERNEL_BITS;
    /**
     * Fraction bits dropped, with rounding, between the horizontal pass (at most {@code 255 * 2^14}) and the vertical
     * one, whose sums then stay inside an int: {@code 255 * 2^8 * 2^14 < 2^31}.
     */
    private static final int MID_SHIFT = 6;
    private static final int MID_HALF = 1 << (MID_SHIFT - 1);
    private static final int OUT_SHIFT = 2 * KERNEL_BITS - MID_SHIFT;
    private static final int OUT_HALF = 1 << (OUT_SHIFT - 1);

    private GaussianBlur() {
    }

    /**
     * The kernel size used when none is configured: about a tenth of the view's shorter side, odd, at least 3
     * (23 at 224 pixels, as BYOL; 9 at 96; 3 at 28).
     */
    public static int autoKernelSize(int height, int width) {
        int k = (int) (0.1 * Math.min(height, width));
        if (k % 2 == 0) {
            k++;
        }
        return Math.max(3, k);
    }

    /** The normalised 1-d kernel, float32 like torchvision's {@code _get_gaussian_kernel1d}. */
    static float[] kernel(int size, double sigma) {
        if (size < 1 || size % 2 == 0) {
            throw new IllegalArgumentException("blur kernel size must be odd and positive, got " + size);
        }
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("blur sigma must be positive, got " + sigma);
        }
        int half = size / 2;
        double[] pdf = new double[size];
        double sum = 0;
        for (int i = 0; i < size; i++) {
            double x = (i - half) / sigma;
            pdf[i] = StrictMath.exp(-0.5 * x * x);
            sum += pdf[i];
        }
        float[] k = new float[size];
        for (int i = 0; i < size; i++) {
            k[i] = (float) (pdf[i] / sum);
        }
        return k;
    }

    /**
     * The fixed-point kernel by distance from the centre: {@code q[d]} weighs the taps at {@code -d} and {@code +d},
     * {@code q[0] + 2 (q[1] + ... )} is exactly {@code 2^KERNEL_BITS}, and the array ends at the last non-zero weight.
     */
    static int[] fixedKernel(int size, double sigma) {
        float[] k = kernel(size, sigma);
        int half = size / 2;
        int[] q = new int[half + 1];
        int sum = 0;
        for (int d = 0; d <= half; d++) {
            q[d] = Math.round(k[half + d] * KERNEL_ONE);
            sum += d == 0 ? q[d] : 2 * q[d];
        }
        q[0] += KERNEL_ONE - sum; // at most a few units of rounding, on the largest weight
        int r = half;
        while (r > 0 && q[r] == 0) {
            r--;
        }
        return Arrays.copyOf(q, r + 1);
    }

    /** Index {@code i} reflected into {@code [0, n)} without repeating the edge, folding as often as needed. */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int j = Math.floorMod(i, period);
        return j < n ? j : period - j;
    }

    /** A new array: {@code src} ({@code height x width x channels}) blurred with the given arithmetic. */
    public static byte[] apply(byte[] src, int height, int width, int channels, int kernelSize, double sigma,
                               Arithmetic arithmetic) {
        return arithmetic == Arithmetic.FIXED_POINT
                ? applyFixed(src, height, width, channels, kernelSize, sigma)
                : apply(src, height, width, channels, kernelSize, sigma);
    }

    /** A new array: {@code src} ({@code height x width x channels}) blurred, in {@link Arithmetic#FLOAT32}. */
    public static byte[] apply(byte[] src, int height, int width, int channels, int kernelSize, double sigma) {
        checkSize(src, height, width, channels);
        float[] k = kernel(kernelSize, sigma);
        int r = kernelSize / 2;
        int rowLen = width * channels;
        Scratch s = Scratch.get();
        float[] ring = s.blurRing(kernelSize * rowLen);
        float[] acc = s.blurRow(rowLen);
        float[] padded = s.blurPadded((width + 2 * r) * channels);
        byte[] dst = new byte[src.length];
        // where tap t starts: at [t] in the padded row, at [kernelSize + t] in the ring (set per output row)
        int[] tapStarts = s.blurTaps(2 * kernelSize);
        for (int t = 0; t < kernelSize; t++) {
            tapStarts[t] = t * channels;
        }
        // ring slot of row position p (p may lie outside the image; its row is the reflected one)
        for (int p = -r; p < r; p++) {
            horizontal(src, reflect(p, height) * rowLen, width, channels, k, tapStarts, padded, ring, Math.floorMod(p, kernelSize) * rowLen);
        }
        for (int y = 0; y < height; y++) {
            int p = y + r;
            horizontal(src, reflect(p, height) * rowLen, width, channels, k, tapStarts, padded, ring, Math.floorMod(p, kernelSize) * rowLen);
            for (int t = 0; t < kernelSize; t++) {
                tapStarts[kernelSize + t] = Math.floorMod(y - r + t, kernelSize) * rowLen;
            }
            taps(k, ring, tapStarts, kernelSize, acc, 0, rowLen);
            int o = y * rowLen;
            for (int i = 0; i < rowLen; i++) {
                dst[o + i] = (byte) ColorJitter.roundClamp(acc[i]);
            }
        }
        return dst;
    }

    private static void checkSize(byte[] src, int height, int width, int channels) {
        if ((long) height * width * channels != src.length) {
            throw new IllegalArgumentException("blur of " + height + "x" + width + "x" + channels + " got " + src.length + " bytes");
        }
    }

    /**
     * {@link Arithmetic#FIXED_POINT}: the scheme of the float blur (a ring of horizontally blurred rows, combined
     * vertically per output row), over the {@code 2r + 1} rows of the trimmed kernel only.
     */
    static byte[] applyFixed(byte[] src, int height, int width, int channels, int kernelSize, double sigma) {
        checkSize(src, height, width, channels);
        int[] q = fixedKernel(kernelSize, sigma);
        int r = q.length - 1;
        if (r == 0) {
            return src.clone(); // one tap weighing exactly one
        }
        int rowLen = width * channels;
        int window = 2 * r + 1;
        Scratch s = Scratch.get();
        int[] ring = s.blurRingFixed(window * rowLen);
        int[] acc = s.blurRowFixed(rowLen);
        int[] padded = s.blurPaddedFixed((width + 2 * r) * channels);
        // where the taps at distance d start: below and above the centre in the padded row, then in the ring
        int[] starts = s.blurTaps(4 * window);
        for (int d = 0; d <= r; d++) {
            starts[d] = (r - d) * channels;
            starts[window + d] = (r + d) * channels;
        }
        byte[] dst = new byte[src.length];
        for (int p = -r; p < r; p++) {
            horizontalFixed(src, reflect(p, height) * rowLen, width, channels, q, starts, padded, ring,
                    Math.floorMod(p, window) * rowLen);
        }
        for (int y = 0; y < height; y++) {
            int p = y + r;
            horizontalFixed(src, reflect(p, height) * rowLen, width, channels, q, starts, padded, ring,
                    Math.floorMod(p, window) * rowLen);
            for (int d = 0; d <= r; d++) {
                starts[2 * window + d] = Math.floorMod(y - d, window) * rowLen;
                starts[3 * window + d] = Math.floorMod(y + d, window) * rowLen;
            }
            symmetricTaps(q, ring, starts, 2 * window, 3 * window, acc, 0, rowLen);
            int o = y * rowLen;
            for (int i = 0; i < rowLen; i++) {
                dst[o + i] = (byte) ((acc[i] + OUT_HALF) >>> OUT_SHIFT);
            }
        }
        return dst;
    }

    /** One source row blurred horizontally in fixed point into {@code ring[at .. at + width * c)}, 8 fraction bits. */
    private static void horizontalFixed(byte[] src, int row, int width, int c, int[] q, int[] starts, int[] padded,
                                        int[] ring, int at) {
        int r = q.length - 1;
        int n = width * c;
        for (int i = 0; i < n; i++) {
            padded[r * c + i] = src[row + i] & 0xFF;
        }
        for (int x = 1; x <= r; x++) {
            int left = row + reflect(-x, width) * c;
            int right = row + reflect(width - 1 + x, width) * c;
            for (int ch = 0; ch < c; ch++) {
                padded[(r - x) * c + ch] = src[left + ch] & 0xFF;
                padded[(r + width - 1 + x) * c + ch] = src[right + ch] & 0xFF;
            }
        }
        symmetricTaps(q, padded, starts, 0, 2 * r + 1, ring, at, n);
        for (int i = 0; i < n; i++) {
            ring[at + i] = (ring[at + i] + MID_HALF) >> MID_SHIFT;
        }
    }

    /**
     * {@code out[at + i] = q[0] in[lo[0] + i] + q[1] (in[lo[1] + i] + in[hi[1] + i]) + ...} for {@code i < n}, with
     * {@code lo[d] = starts[loAt + d]} and {@code hi[d] = starts[hiAt + d]} (the centre at {@code lo[0]}): one
     * multiplication per pair of taps, two pairs per pass over {@code out}, loops the JIT turns into SIMD instructions.
     */
    private static void symmetricTaps(int[] q, int[] in, int[] starts, int loAt, int hiAt, int[] out, int at, int n) {
        int w0 = q[0];
        int f0 = starts[loAt];
        for (int i = 0; i < n; i++) {
            out[at + i] = w0 * in[f0 + i];
        }
        int d = 1;
        for (; d + 1 < q.length; d += 2) {
            int wa = q[d];
            int wb = q[d + 1];
            int la = starts[loAt + d], ha = starts[hiAt + d], lb = starts[loAt + d + 1], hb = starts[hiAt + d + 1];
            for (int i = 0; i < n; i++) {
                out[at + i] += wa * (in[la + i] + in[ha + i]) + wb * (in[lb + i] + in[hb + i]);
            }
        }
        if (d < q.length) {
            int w = q[d];
            int l = starts[loAt + d], h = starts[hiAt + d];
            for (int i = 0; i < n; i++) {
                out[at + i] += w * (in[l + i] + in[h + i]);
            }
        }
    }

    /**
     * One source row (starting at {@code row}) blurred horizontally into {@code ring[at .. at + width * c)}, by way of
     * {@code padded}: the row as floats with {@code k.length / 2} reflected pixels on either side.
     */
    private static void horizontal(byte[] src, int row, int width, int c, float[] k, int[] tapStarts, float[] padded,
                                   float[] ring, int at) {
        int r = k.length / 2;
        for (int x = -r; x < width + r; x++) {
            int from = row + reflect(x, width) * c;
            int to = (x + r) * c;
            for (int ch = 0; ch < c; ch++) {
                padded[to + ch] = src[from + ch] & 0xFF;
            }
        }
        taps(k, padded, tapStarts, 0, ring, at, width * c);
    }

    /**
     * {@code out[at + i] = k[0] * in[f[0] + i] + k[1] * in[f[1] + i] + ...} for {@code i < n}, where
     * {@code f[t] = from[fromAt + t]}, the taps added
     * left to right as a per-pixel loop would add them (Java float arithmetic is exact to the order written, so the
     * result is bit for bit that loop's). Four taps per pass over {@code out}: a quarter of the loads and stores of
     * {@code out}, and loops the JIT turns into SIMD instructions. The first tap needs no zeroed {@code out}:
     * {@code 0f + x == x} for the non-negative products of pixels and Gaussian weights.
     */
    private static void taps(float[] k, float[] in, int[] from, int fromAt, float[] out, int at, int n) {
        float w0 = k[0];
        int f0 = from[fromAt];
        for (int i = 0; i < n; i++) {
            out[at + i] = w0 * in[f0 + i];
        }
        int t = 1;
        for (; t + 3 < k.length; t += 4) {
            float a = k[t], b = k[t + 1], c = k[t + 2], d = k[t + 3];
            int fa = from[fromAt + t], fb = from[fromAt + t + 1], fc = from[fromAt + t + 2], fd = from[fromAt + t + 3];
            for (int i = 0; i < n; i++) {
                out[at + i] = out[at + i] + a * in[fa + i] + b * in[fb + i] + c * in[fc + i] + d * in[fd + i];
            }
        }
        for (; t < k.length; t++) {
            float w = k[t];
            int f = from[fromAt + t];
            for (int i = 0; i < n; i++) {
                out[at + i] += w * in[f + i];
            }
        }
    }
}
