package io.sslstream.augmenter.augment;

/**
 * torchvision's {@code GaussianBlur(kernel_size, sigma)} on uint8 HWC images: a separable Gaussian of
 * {@code kernelSize} taps ({@code exp(-x^2 / 2 sigma^2)} at {@code x = -k/2 .. k/2}, normalised), reflect padding
 * ({@code dcb|abcd|cba}), computed in float32 and rounded once at the end, like torchvision on tensors.
 *
 * <p>Rows are blurred horizontally into a ring of {@code kernelSize} float rows, each once, and the vertical pass
 * combines the ring: the work arrays hold a few rows, never a whole image. Both passes run tap by tap over a whole
 * row, four taps per pass ({@link #taps}), loops the JIT turns into SIMD instructions, and add the taps in the same
 * order as a per-pixel sum would, so the result does not depend on the loop order.
 */
public final class GaussianBlur {

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

    /** Index {@code i} reflected into {@code [0, n)} without repeating the edge, folding as often as needed. */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int j = Math.floorMod(i, period);
        return j < n ? j : period - j;
    }

    /** A new array: {@code src} ({@code height x width x channels}) blurred. */
    public static byte[] apply(byte[] src, int height, int width, int channels, int kernelSize, double sigma) {
        if ((long) height * width * channels != src.length) {
            throw new IllegalArgumentException("blur of " + height + "x" + width + "x" + channels + " got " + src.length + " bytes");
        }
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
