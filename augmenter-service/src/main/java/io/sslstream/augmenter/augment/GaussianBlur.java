package io.sslstream.augmenter.augment;

/**
 * torchvision's {@code GaussianBlur(kernel_size, sigma)} on uint8 HWC images: a separable Gaussian of
 * {@code kernelSize} taps ({@code exp(-x^2 / 2 sigma^2)} at {@code x = -k/2 .. k/2}, normalised), reflect padding
 * ({@code dcb|abcd|cba}), computed in float32 and rounded once at the end, like torchvision on tensors.
 *
 * <p>Rows are blurred horizontally into a ring of {@code kernelSize} float rows, each once, and the vertical pass
 * combines the ring: the work arrays hold a few rows, never a whole image. Both passes run tap by tap over a whole
 * row ({@code out[i] += k[t] * in[i + t * step]}), a loop the JIT turns into SIMD instructions, and add the taps in
 * the same order as a per-pixel sum would, so the result does not depend on the loop order.
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
        // ring slot of row position p (p may lie outside the image; its row is the reflected one)
        for (int p = -r; p < r; p++) {
            horizontal(src, reflect(p, height) * rowLen, width, channels, k, padded, ring, Math.floorMod(p, kernelSize) * rowLen);
        }
        for (int y = 0; y < height; y++) {
            int p = y + r;
            horizontal(src, reflect(p, height) * rowLen, width, channels, k, padded, ring, Math.floorMod(p, kernelSize) * rowLen);
            java.util.Arrays.fill(acc, 0, rowLen, 0f);
            for (int t = 0; t < kernelSize; t++) {
                float w = k[t];
                int from = Math.floorMod(y - r + t, kernelSize) * rowLen;
                for (int i = 0; i < rowLen; i++) {
                    acc[i] += w * ring[from + i];
                }
            }
            int o = y * rowLen;
            for (int i = 0; i < rowLen; i++) {
                dst[o + i] = (byte) ColorJitter.roundClamp(acc[i]);
            }
        }
        return dst;
    }

    /**
     * One source row (starting at {@code row}) blurred horizontally into {@code ring[at .. at + width * c)}, by way of
     * {@code padded}: the row as floats with {@code r = k.length / 2} reflected pixels on either side.
     */
    private static void horizontal(byte[] src, int row, int width, int c, float[] k, float[] padded, float[] ring, int at) {
        int r = k.length / 2;
        for (int x = -r; x < width + r; x++) {
            int from = row + reflect(x, width) * c;
            int to = (x + r) * c;
            for (int ch = 0; ch < c; ch++) {
                padded[to + ch] = src[from + ch] & 0xFF;
            }
        }
        int rowLen = width * c;
        java.util.Arrays.fill(ring, at, at + rowLen, 0f);
        for (int t = 0; t < k.length; t++) {
            float w = k[t];
            int off = t * c;
            for (int i = 0; i < rowLen; i++) {
                ring[at + i] += w * padded[off + i];
            }
        }
    }
}
