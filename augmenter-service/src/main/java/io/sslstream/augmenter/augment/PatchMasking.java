package io.sslstream.augmenter.augment;

import io.sslstream.contracts.codec.PatchMask;

import java.util.SplittableRandom;

/**
 * Random patch masking for masked-image modelling (MAE): the view is cut into a grid of
 * {@code patchSize x patchSize} patches ({@code ceil(height / patchSize)} rows and {@code ceil(width / patchSize)}
 * columns; patches on the bottom and right edges are partial when the side is not a multiple) and exactly
 * {@code round(ratio * patches)} of them, drawn uniformly from the seed, are masked.
 *
 * <p>The pixels are not touched: the mask travels with the view in the {@code ViewSet}, and the trainer hides
 * the masked patches from the encoder and reconstructs them.
 */
public final class PatchMasking {

    /**
     * @param patchSize pixels per patch side
     * @param ratio     fraction of the patches to mask, in [0, 1]
     */
    public record Spec(int patchSize, double ratio) {

        public Spec {
            Checks.require(patchSize >= 1 && patchSize <= 0xFFFF, "mask patch size must be in 1..65535", patchSize);
            Checks.require(ratio >= 0 && ratio <= 1, "mask ratio must be in [0, 1]", ratio);
        }

        public int rows(int height) {
            return (height + patchSize - 1) / patchSize;
        }

        public int cols(int width) {
            return (width + patchSize - 1) / patchSize;
        }

        /** The number of masked patches of a grid of {@code patches}. */
        public int masked(int patches) {
            return (int) Math.round(ratio * patches);
        }
    }

    private PatchMasking() {
    }

    /**
     * Draws the mask of a {@code height x width} view. Robert Floyd's sampling: {@code k} draws pick a uniformly
     * random {@code k}-subset of the {@code n} patches, straight into the bitset, whatever {@code n}.
     */
    public static PatchMask draw(int height, int width, Spec spec, SplittableRandom rnd) {
        int rows = spec.rows(height);
        int cols = spec.cols(width);
        int n = rows * cols;
        int k = spec.masked(n);
        byte[] bits = new byte[(n + 7) / 8];
        for (int j = n - k; j < n; j++) {
            int t = rnd.nextInt(j + 1);
            int pick = isSet(bits, t) ? j : t;
            bits[pick >> 3] |= (byte) (1 << (pick & 7));
        }
        return new PatchMask(spec.patchSize(), rows, cols, bits);
    }

    private static boolean isSet(byte[] bits, int i) {
        return (bits[i >> 3] & (1 << (i & 7))) != 0;
    }
}
