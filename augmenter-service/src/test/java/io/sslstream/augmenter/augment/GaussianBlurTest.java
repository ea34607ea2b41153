package io.sslstream.augmenter.augment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GaussianBlurTest {

    @Test
    void kernelIsTorchvisionsNormalisedGaussian() {
        // torchvision _get_gaussian_kernel1d(3, 1.0) = [0.27406862, 0.45186276, 0.27406862]
        float[] k = GaussianBlur.kernel(3, 1.0);

        assertThat(k[0]).isCloseTo(0.27406862f, org.assertj.core.data.Offset.offset(1e-7f));
        assertThat(k[1]).isCloseTo(0.45186276f, org.assertj.core.data.Offset.offset(1e-7f));
        assertThat(k[2]).isEqualTo(k[0]);
    }

    @Test
    void blursAnImpulseIntoTheOuterProductOfTheKernel() {
        // 5x5 zeros with 200 in the centre; kernel 3, sigma 1: centre 200 * 0.4519^2 = 40.8, edge 200 * 0.4519 * 0.2741 = 24.8,
        // corner 200 * 0.2741^2 = 15.0; nothing reaches two pixels away
        int[] v = new int[25];
        v[12] = 200;
        byte[] out = GaussianBlur.apply(Image.gray(5, 5, v).pixels(), 5, 5, 1, 3, 1.0);

        assertThat(Image.gray(5, 5, toInts(out))).isEqualTo(Image.gray(5, 5,
                0, 0, 0, 0, 0,
                0, 15, 25, 15, 0,
                0, 25, 41, 25, 0,
                0, 15, 25, 15, 0,
                0, 0, 0, 0, 0));
    }

    @Test
    void reflectsAtTheBorderWithoutRepeatingTheEdge() {
        // row [100, 0, 0]: reflect padding gives [0 | 100, 0, 0 | 0]; x=0: 0.2741*0 + 0.4519*100 + 0.2741*0 = 45.2,
        // x=1: 0.2741*100 = 27.4; a 1-row image reflects onto itself vertically
        byte[] out = GaussianBlur.apply(Image.gray(1, 3, 100, 0, 0).pixels(), 1, 3, 1, 3, 1.0);

        assertThat(toInts(out)).containsExactly(45, 27, 0);
        assertThat(GaussianBlur.reflect(-1, 3)).isEqualTo(1);
        assertThat(GaussianBlur.reflect(3, 3)).isEqualTo(1);
        assertThat(GaussianBlur.reflect(-5, 3)).isEqualTo(1);
        assertThat(GaussianBlur.reflect(7, 1)).isZero();
    }

    @Test
    void keepsAFlatImageFlatAndBlursRgbChannelsApart() {
        byte[] flat = new byte[12 * 9 * 3];
        for (int i = 0; i < flat.length; i += 3) {
            flat[i] = (byte) 10;
            flat[i + 1] = (byte) 128;
            flat[i + 2] = (byte) 250;
        }

        byte[] out = GaussianBlur.apply(flat, 12, 9, 3, 7, 2.0);

        assertThat(out).isEqualTo(flat);
    }

    /**
     * The row-at-a-time passes give exactly what a sum per pixel and tap gives (the taps added in the same order), on
     * a photo-sized RGB image with BYOL's 23 taps and on images narrower than the kernel, where reflection folds
     * several times.
     */
    @Test
    void matchesASumPerPixelBitForBit() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        int[][] shapes = {{224, 224, 3, 23}, {31, 17, 3, 9}, {5, 4, 1, 23}, {1, 9, 3, 5}};
        for (int[] shape : shapes) {
            int h = shape[0], w = shape[1], c = shape[2], size = shape[3];
            byte[] src = new byte[h * w * c];
            for (int i = 0; i < src.length; i++) {
                src[i] = (byte) random.nextInt(256);
            }
            double sigma = 0.1 + random.nextDouble() * 1.9;

            assertThat(GaussianBlur.apply(src, h, w, c, size, sigma))
                    .as("%dx%dx%d, kernel %d, sigma %s", h, w, c, size, sigma)
                    .isEqualTo(perPixel(src, h, w, c, size, sigma));
        }
    }

    /** The blur written the plain way: every output value a sum over the taps, first along rows, then columns. */
    static byte[] perPixel(byte[] src, int h, int w, int c, int size, double sigma) {
        float[] k = GaussianBlur.kernel(size, sigma);
        int r = size / 2;
        float[] horizontal = new float[h * w * c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    float sum = 0f;
                    for (int t = 0; t < size; t++) {
                        sum += k[t] * (src[(y * w + GaussianBlur.reflect(x - r + t, w)) * c + ch] & 0xFF);
                    }
                    horizontal[(y * w + x) * c + ch] = sum;
                }
            }
        }
        byte[] out = new byte[src.length];
        for (int y = 0; y < h; y++) {
            for (int i = 0; i < w * c; i++) {
                float sum = 0f;
                for (int t = 0; t < size; t++) {
                    sum += k[t] * horizontal[GaussianBlur.reflect(y - r + t, h) * w * c + i];
                }
                out[y * w * c + i] = (byte) ColorJitter.roundClamp(sum);
            }
        }
        return out;
    }

    @Test
    void theFixedPointKernelSumsToOneAndEndsAtItsLastNonZeroWeight() {
        for (double sigma : new double[] {0.1, 0.5, 1.0, 1.7, 2.0, 5.0}) {
            int[] q = GaussianBlur.fixedKernel(23, sigma);
            int sum = q[0];
            for (int d = 1; d < q.length; d++) {
                sum += 2 * q[d];
            }

            assertThat(sum).as("sigma %s", sigma).isEqualTo(1 << GaussianBlur.KERNEL_BITS);
            assertThat(q[q.length - 1]).as("sigma %s", sigma).isPositive();
            float[] k = GaussianBlur.kernel(23, sigma);
            for (int d = 1; d < q.length; d++) {
                assertThat(q[d] / (double) (1 << GaussianBlur.KERNEL_BITS)).isCloseTo(k[11 + d], org.assertj.core.data.Offset.offset(0.5 / (1 << GaussianBlur.KERNEL_BITS)));
            }
        }
        // sigma 0.1: one tap; sigma 2: the taps up to 8 pixels away (exp(-81/8) / 5.01 is below half a unit)
        assertThat(GaussianBlur.fixedKernel(23, 0.1)).containsExactly(1 << GaussianBlur.KERNEL_BITS);
        assertThat(GaussianBlur.fixedKernel(23, 2.0)).hasSize(9);
    }

    /**
     * The fixed-point blur is within one level of the float32 one everywhere and equal almost everywhere, on photo-sized
     * RGB with BYOL's 23 taps over its whole sigma range, on gray images, and on images narrower than the kernel.
     */
    @Test
    void fixedPointIsWithinOneLevelOfFloat32() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        int[][] shapes = {{224, 224, 3, 23}, {96, 96, 3, 9}, {28, 28, 1, 3}, {31, 17, 3, 23}, {5, 4, 1, 23}, {1, 9, 3, 5}};
        long values = 0;
        long differing = 0;
        for (int[] shape : shapes) {
            int h = shape[0], w = shape[1], c = shape[2], size = shape[3];
            for (int trial = 0; trial < 4; trial++) {
                byte[] src = smoothNoise(h, w, c, random);
                double sigma = 0.1 + random.nextDouble() * 1.9;

                byte[] exact = GaussianBlur.apply(src, h, w, c, size, sigma, GaussianBlur.Arithmetic.FLOAT32);
                byte[] fixed = GaussianBlur.apply(src, h, w, c, size, sigma, GaussianBlur.Arithmetic.FIXED_POINT);

                for (int i = 0; i < src.length; i++) {
                    int d = Math.abs((exact[i] & 0xFF) - (fixed[i] & 0xFF));
                    assertThat(d).as("%dx%dx%d, kernel %d, sigma %s, value %d", h, w, c, size, sigma, i).isLessThanOrEqualTo(1);
                    differing += d;
                }
                values += src.length;
            }
        }
        assertThat(differing).as("values one level apart, of %d", values).isLessThan(values / 100);
    }

    /** Pixels with both edges and gradients (a random walk along rows, rows correlated): what photos have. */
    static byte[] smoothNoise(int h, int w, int c, java.util.SplittableRandom random) {
        byte[] px = new byte[h * w * c];
        for (int i = 0; i < px.length; i++) {
            int prev = i >= c ? px[i - c] & 0xFF : random.nextInt(256);
            int up = i >= w * c ? px[i - w * c] & 0xFF : prev;
            int v = random.nextInt(20) == 0 ? random.nextInt(256) : (prev + up) / 2 + random.nextInt(-6, 7);
            px[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return px;
    }

    @Test
    void fixedPointBlursAnImpulseAndKeepsFlatImagesFlat() {
        int[] v = new int[25];
        v[12] = 200;
        byte[] impulse = GaussianBlur.apply(Image.gray(5, 5, v).pixels(), 5, 5, 1, 3, 1.0, GaussianBlur.Arithmetic.FIXED_POINT);

        assertThat(Image.gray(5, 5, toInts(impulse))).isEqualTo(Image.gray(5, 5,
                0, 0, 0, 0, 0,
                0, 15, 25, 15, 0,
                0, 25, 41, 25, 0,
                0, 15, 25, 15, 0,
                0, 0, 0, 0, 0));
        byte[] flat = new byte[40 * 30 * 3];
        for (int i = 0; i < flat.length; i += 3) {
            flat[i] = (byte) 0;
            flat[i + 1] = (byte) 137;
            flat[i + 2] = (byte) 255;
        }
        for (double sigma : new double[] {0.3, 1.0, 2.0}) {
            assertThat(GaussianBlur.apply(flat, 40, 30, 3, 23, sigma, GaussianBlur.Arithmetic.FIXED_POINT)).isEqualTo(flat);
        }
        // a one-tap kernel (sigma 0.1 at 23 taps) is the identity, in a new array
        byte[] src = smoothNoise(12, 12, 3, new java.util.SplittableRandom(3));
        byte[] same = GaussianBlur.apply(src, 12, 12, 3, 23, 0.1, GaussianBlur.Arithmetic.FIXED_POINT);
        assertThat(same).isEqualTo(src).isNotSameAs(src);
    }

    @Test
    void autoKernelIsATenthOfTheShorterSideOddAndAtLeast3() {
        assertThat(GaussianBlur.autoKernelSize(28, 28)).isEqualTo(3);
        assertThat(GaussianBlur.autoKernelSize(96, 96)).isEqualTo(9);
        assertThat(GaussianBlur.autoKernelSize(224, 300)).isEqualTo(23);
        assertThat(GaussianBlur.autoKernelSize(5, 5)).isEqualTo(3);
    }

    @Test
    void rejectsEvenKernelsAndBadSigmas() {
        assertThatThrownBy(() -> GaussianBlur.kernel(4, 1.0)).hasMessageContaining("odd");
        assertThatThrownBy(() -> GaussianBlur.kernel(3, 0)).hasMessageContaining("sigma");
    }

    static int[] toInts(byte[] b) {
        int[] v = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = b[i] & 0xFF;
        }
        return v;
    }
}
