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
