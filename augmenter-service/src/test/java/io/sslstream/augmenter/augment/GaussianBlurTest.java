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
